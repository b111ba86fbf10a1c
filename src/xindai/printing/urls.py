from django.urls import path

from xindai.printing import views

app_name = "printing"
urlpatterns = [
    path("notice/<int:loan_pk>/", views.notice, name="notice"),
    path("notice/<int:loan_pk>.pdf", views.notice_pdf, name="notice_pdf"),
    path("receipt/<int:installment_pk>/", views.receipt, name="receipt"),
    path("receipt/<int:installment_pk>.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("receipts/", views.receipts, name="receipts"),
    path("receipts.pdf", views.receipts_pdf, name="receipts_pdf"),
]
