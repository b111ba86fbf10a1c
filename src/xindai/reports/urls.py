from django.urls import path

from xindai.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="report"),
    path("charts/", views.charts, name="charts"),
]
