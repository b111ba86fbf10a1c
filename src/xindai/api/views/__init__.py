"""/api/v1: the same selectors, services, forms, scope and masking as the pages; views parse,
call and answer. Lists page by cursor; writes answer 201 with the new record. One module per area."""

from xindai.api.views.customers import CustomerDetail, CustomerList
from xindai.api.views.loans import LoanDetail, LoanList, LoanPreview
from xindai.api.views.messages import ContactList, MessageList
from xindai.api.views.reference import BranchList, LoanTypeList, RegionList, Report
from xindai.api.views.repayments import InstallmentList, RepaymentBatch, RepaymentCreate, RepaymentReverse

__all__ = [
    "CustomerList",
    "CustomerDetail",
    "LoanList",
    "LoanPreview",
    "LoanDetail",
    "InstallmentList",
    "RepaymentCreate",
    "RepaymentBatch",
    "RepaymentReverse",
    "ContactList",
    "MessageList",
    "Report",
    "RegionList",
    "BranchList",
    "LoanTypeList",
]
