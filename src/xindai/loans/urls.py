from django.urls import path

from xindai.loans import views, views_calculator, views_terms

app_name = "loans"
urlpatterns = [
    path("", views.loan_list, name="list"),
    path("new/", views.loan_create, name="create"),
    path("preview/", views.loan_preview, name="preview"),
    path("calculator/", views_calculator.calculator, name="calculator"),
    path("<int:pk>/", views.loan_show, name="detail"),
    path("<int:pk>/edit/", views.loan_edit, name="edit"),
    path("<int:pk>/delete/", views.loan_delete, name="delete"),
    path("<int:pk>/contract/", views_terms.contract_change, name="contract"),
    path("lpr/", views_terms.lpr_list, name="lpr"),
    path("calendar/", views_terms.bank_calendar, name="calendar"),
    path("types/", views.type_list, name="type_list"),
    path("types/new/", views.type_edit, name="type_create"),
    path("types/<int:pk>/", views.type_edit, name="type_edit"),
    path("groups/pick/", views.group_pick, name="group_pick"),
    path("customer-card/", views.customer_card, name="customer_card"),
]
