from django.urls import path

from xindai.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.message_log, name="log"),
    path("send/", views.compose, name="compose"),
    path("sendings/<int:pk>/", views.sending_detail, name="sending"),
    path("<int:pk>/resend/", views.message_resend, name="resend"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_edit, name="template_create"),
    path("templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("auto/", views.auto_switch, name="auto"),
    path("reports/<str:provider>/<str:secret>/", views.delivery_report, name="report"),
]
