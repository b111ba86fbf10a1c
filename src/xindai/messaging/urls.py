from django.urls import path

from xindai.messaging import views, views_voice

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
    path("inbound/<str:provider>/<str:secret>/", views.inbound_push, name="inbound"),
    path("calls/<str:provider>/<str:secret>/", views.call_report, name="call_report"),
    path("ivr/<str:secret>/", views.ivr, name="ivr"),
    path("statistics/", views.statistics, name="statistics"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/answer/", views.inbox_answer, name="answer"),
    path("voice/", views_voice.voice_compose, name="voice_compose"),
    path("voice/templates/", views_voice.voice_templates, name="voice_templates"),
    path("voice/calls/", views_voice.call_log, name="calls"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_edit, name="rule_create"),
    path("rules/<int:pk>/", views.rule_edit, name="rule_edit"),
]
