from django.urls import path

from xindai.collateral import views

app_name = "collateral"
urlpatterns = [
    path("", views.collateral_list, name="list"),
    path("coverage/", views.coverage_list, name="coverage"),
    path("guarantors/", views.guarantor_list, name="guarantors"),
    path("haircuts/", views.haircut_settings, name="haircuts"),
    path("loans/<int:pk>/", views.loan_collateral, name="loan"),
    path("loans/<int:pk>/new/", views.collateral_create, name="create"),
    path("loans/<int:pk>/guarantors/new/", views.guarantor_create, name="guarantor_create"),
    path("loans/<int:pk>/release/", views.loan_release, name="release"),
    path("<int:pk>/ear-tags/", views.ear_tags_upload, name="ear_tags"),
]
