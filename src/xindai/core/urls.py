from django.urls import path

from xindai.core import views

app_name = "core"
urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("audit/", views.audit_list, name="audit_list"),
]
