from django.urls import path

from xindai.repayments import views

app_name = "repayments"
urlpatterns = [
    path("", views.due_list, name="due"),
    path("batch/", views.batch, name="batch"),
    path("records/", views.ledger_list, name="ledger"),
    path("installments/<int:pk>/confirm/", views.installment_confirm, name="confirm"),
    path("<int:pk>/reverse/", views.repayment_reverse, name="reverse"),
    path("loans/<int:pk>/early/", views.early_repayment, name="early"),
    path("loans/<int:pk>/classification/", views.classification, name="classification"),
]
