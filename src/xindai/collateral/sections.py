"""The loan page's collateral and guarantors, and the customer record's exposure (风险敞口)."""

from xindai.collateral.selectors import exposure, loan_collateral, loan_coverage, loan_guarantors
from xindai.customers.detail_sections import register as register_customer_section
from xindai.loans.detail_sections import register_section as register_loan_section


@register_loan_section
def collateral_section(user, loan):
    if not user.has_perm("loans.view"):
        return None
    return {
        "template": "collateral/_loan_section.html",
        "collateral": loan_collateral(user, loan),
        "guarantors": loan_guarantors(user, loan),
        "coverage": loan_coverage(user, loan),
    }


@register_customer_section
def exposure_section(user, customer):
    if not user.has_perm("loans.view"):
        return None
    figures = exposure(user, customer)
    if not figures["guarantees"] and not figures["own"]:
        return None
    return {"template": "collateral/_customer_exposure.html", **figures}
