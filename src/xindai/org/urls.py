from django.urls import path

from xindai.org import views

app_name = "org"
urlpatterns = [
    path("branches/", views.branch_list, name="branch_list"),
    path("branches/new/", views.branch_edit, name="branch_create"),
    path("branches/<int:pk>/", views.branch_edit, name="branch_edit"),
    path("branches/<int:pk>/delete/", views.branch_delete, name="branch_delete"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/new/", views.region_edit, name="region_create"),
    path("regions/pick/", views.region_pick, name="region_pick"),
    path("regions/cascade/", views.region_cascade, name="region_cascade"),
    path("regions/<int:pk>/", views.region_edit, name="region_edit"),
    path("regions/<int:pk>/delete/", views.region_delete, name="region_delete"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/new/", views.role_edit, name="role_create"),
    path("roles/<int:pk>/", views.role_edit, name="role_edit"),
    path("roles/<int:pk>/delete/", views.role_delete, name="role_delete"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_edit, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/<int:pk>/active/", views.user_toggle_active, name="user_toggle_active"),
]
