from django.urls import path

from xindai.postloan import views

app_name = "postloan"
urlpatterns = [
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/<int:pk>/", views.inspection_show, name="inspection"),
    path("loans/<int:pk>/inspect/", views.inspection_create, name="inspect"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("warnings/", views.warning_list, name="warnings"),
    path("loans/<int:pk>/acknowledge/", views.warning_ack, name="acknowledge"),
    path("rules/", views.rule_settings, name="rules"),
    path("rules/inspection/", views.inspection_rule, name="inspection_rule"),
    path("report/", views.report, name="report"),
]
