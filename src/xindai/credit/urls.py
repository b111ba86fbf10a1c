from django.urls import path

from xindai.credit import views, views_reports, views_transfer

app_name = "credit"
urlpatterns = [
    path("approvals/", views.inbox, name="inbox"),
    path("approvals/bulk/", views.bulk, name="bulk"),
    path("approvals/mine/", views.mine, name="mine"),
    path("approvals/<int:pk>/", views.request_detail, name="request"),
    path("approvals/settings/", views.policy, name="policy"),
    path("loans/<int:pk>/change/", views.loan_change, name="change"),
    path("loans/<int:pk>/write-off/", views.write_off, name="write_off"),
    path("installments/<int:pk>/waive/", views.waive, name="waive"),
    path("transfer/", views_transfer.transfer_page, name="transfer"),
    path("write-offs/", views_reports.write_off_register, name="write_offs"),
    path("waivers/", views_reports.waiver_report, name="waivers"),
]
