from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from xindai.api import docs, views, views_base, views_pages

app_name = "api"


def api(view):
    """An API view: its token is its login (the site's login redirect does not apply)."""
    return login_not_required(view.as_view())


urlpatterns = [
    path("tokens/", views_pages.token_list, name="tokens"),
    path("tokens/<int:pk>/revoke/", views_pages.token_revoke, name="token_revoke"),
    path("v1/schema/", api(docs.SchemaView), name="schema"),
    # Pages of a signed-in user (DRF would exempt them from the site's login redirect).
    path("v1/docs/", login_required(docs.SwaggerView.as_view()), name="swagger"),
    path("v1/customers/", api(views.CustomerList), name="customers"),
    path("v1/customers/<int:pk>/", api(views.CustomerDetail), name="customer"),
    path("v1/loans/", api(views.LoanList), name="loans"),
    path("v1/loans/preview/", api(views.LoanPreview), name="loan_preview"),
    path("v1/loans/<int:pk>/", api(views.LoanDetail), name="loan"),
    path("v1/installments/", api(views.InstallmentList), name="installments"),
    path("v1/repayments/", api(views.RepaymentCreate), name="repayments"),
    path("v1/repayments/batch/", api(views.RepaymentBatch), name="repayment_batch"),
    path("v1/repayments/<int:pk>/reverse/", api(views.RepaymentReverse), name="repayment_reverse"),
    path("v1/contacts/", api(views.ContactList), name="contacts"),
    path("v1/messages/", api(views.MessageList), name="messages"),
    path("v1/reports/<str:kind>/", api(views.Report), name="report"),
    path("v1/regions/", api(views.RegionList), name="regions"),
    path("v1/branches/", api(views.BranchList), name="branches"),
    path("v1/loan-types/", api(views.LoanTypeList), name="loan_types"),
    # Anything else under /api/v1 (an id that is not a number, a path that is not there): problem JSON.
    re_path(r"^v1/", csrf_exempt(login_not_required(views_base.not_found)), name="not_found"),
]
