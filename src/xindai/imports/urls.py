from django.urls import path

from xindai.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("template/", views.template, name="template"),
    path("<str:kind>/<str:token>/run/", views.run, name="run"),
]
