"""Every action the audit log (操作日志) records, with the words the log pages show.

One registry: `audit.record` refuses a code that is not here, so the pages can always name
what happened. Codes are `app.object.verb`; they are stored as they are, so a code is never
renamed (a new one is added instead). An app adding a write adds its codes here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    SETTINGS_CHANGED = "core.settings.changed", _("System settings changed")

    REQUEST_CREATED = "credit.request.created", _("Request for approval made")
    REQUEST_APPROVED = "credit.request.approved", _("Request approved")
    REQUEST_REJECTED = "credit.request.rejected", _("Request rejected")
    REQUEST_EXPIRED = "credit.request.expired", _("Request expired")
    APPROVAL_POLICY_CHANGED = "credit.policy.changed", _("Two-person approval settings changed")
    LOAN_EXTENDED = "credit.loan.extension", _("Loan extended")
    LOAN_RESTRUCTURED = "credit.loan.restructuring", _("Loan restructured")
    LOAN_WRITTEN_OFF = "credit.loan.written_off", _("Loan written off")
    INSTALLMENT_WAIVED = "credit.installment.waived", _("Penalty or interest waived")
    LOAN_TRANSFERRED = "credit.loan.transferred", _("Loan transferred to another officer")

    CHANNEL_SAVED = "customers.channel.saved", _("Contact channel saved")
    CONTACT_CREATED = "customers.contact.created", _("Contact recorded")
    CUSTOMER_CREATED = "customers.customer.created", _("Customer registered")
    CUSTOMER_CHANGED = "customers.customer.changed", _("Customer changed")
    CUSTOMER_DELETED = "customers.customer.deleted", _("Customer deleted")
    CUSTOMERS_IMPORTED = "customers.customer.imported", _("Customers imported")

    LOANS_IMPORTED = "imports.loans.imported", _("Loans imported")
    REPAYMENTS_IMPORTED = "repayments.repayment.imported", _("Repayments imported")

    JOB_STARTED = "jobs.job.started", _("Background job started")

    CALENDAR_CHANGED = "loans.calendar.changed", _("Bank calendar changed")
    GROUP_CREATED = "loans.group.created", _("Joint-guarantee group created")
    LOAN_CREATED = "loans.loan.created", _("Loan registered")
    LOANS_BULK_CREATED = "loans.loan.bulk_created", _("Loans registered in bulk")
    LOAN_CHANGED = "loans.loan.changed", _("Loan changed")
    LOAN_DELETED = "loans.loan.deleted", _("Loan deleted")
    LOAN_CLASSIFIED = "loans.loan.classified", _("Loan classification set")
    LOAN_CONTRACT_CHANGED = "loans.loan.contract_change", _("Loan contract changed")
    LOAN_REPRICED = "loans.loan.repricing", _("Loan repriced on the LPR")
    LPR_SAVED = "loans.lpr.saved", _("LPR quote saved")
    LOAN_TYPE_SAVED = "loans.type.saved", _("Loan type saved")

    AUTO_SWITCHED = "messaging.auto.switched", _("Automatic sending switched")
    INBOUND_ANSWERED = "messaging.inbound.answered", _("Received SMS answered")
    OPTED_OUT = "messaging.opt_out", _("Number opted out of SMS")
    OPTED_IN = "messaging.opt_in", _("Number opted in to SMS again")
    MESSAGE_RESENT = "messaging.message.resent", _("Failed message sent again")
    RULE_SAVED = "messaging.rule.saved", _("Automatic reply rule saved")
    SENDING_CREATED = "messaging.sending.created", _("Mass SMS sent")
    TEMPLATE_CREATED = "messaging.template.created", _("SMS template created")
    TEMPLATE_CHANGED = "messaging.template.changed", _("SMS template changed")

    SIGNED_IN = "org.auth.signed_in", _("Signed in")
    SIGNED_OUT = "org.auth.signed_out", _("Signed out")
    SIGN_IN_FAILED = "org.auth.failed", _("Sign-in failed")
    LOCKED_OUT = "org.auth.locked_out", _("Locked out after failed sign-ins")
    BRANCH_CREATED = "org.branch.created", _("Branch created")
    BRANCH_CHANGED = "org.branch.changed", _("Branch changed")
    BRANCH_DELETED = "org.branch.deleted", _("Branch deleted")
    REGION_CREATED = "org.region.created", _("Region created")
    REGION_CHANGED = "org.region.changed", _("Region changed")
    REGION_DELETED = "org.region.deleted", _("Region deleted")
    ROLE_CREATED = "org.role.created", _("Role created")
    ROLE_CHANGED = "org.role.changed", _("Role changed")
    ROLE_DELETED = "org.role.deleted", _("Role deleted")
    USER_CREATED = "org.user.created", _("User created")
    USER_CHANGED = "org.user.changed", _("User changed")
    USER_PERMISSIONS_CHANGED = "org.user.permissions_changed", _("User's role or data scope changed")
    PASSWORD_CHANGED = "org.user.password_changed", _("Password changed")
    PASSWORD_RESET = "org.user.password_reset", _("Password reset")

    REPAYMENT_CONFIRMED = "repayments.repayment.confirmed", _("Repayment confirmed")
    REPAYMENT_REVERSED = "repayments.repayment.reversed", _("Repayment reversed")
    EARLY_CONFIRMED = "repayments.early_repayment.confirmed", _("Early repayment confirmed")
    EARLY_REVERSED = "repayments.early_repayment.reversed", _("Early repayment reversed")


# Actions whose changes are {field: [before, after]} — the record pages list them field by field.
FIELD_CHANGES = frozenset(
    {
        AuditAction.SETTINGS_CHANGED,
        AuditAction.CUSTOMER_CHANGED,
        AuditAction.LOAN_CHANGED,
        AuditAction.BRANCH_CHANGED,
        AuditAction.REGION_CHANGED,
        AuditAction.ROLE_CHANGED,
        AuditAction.USER_CHANGED,
        AuditAction.USER_PERMISSIONS_CHANGED,
        AuditAction.TEMPLATE_CHANGED,
    }
)


def action_label(code: str) -> str:
    """The words for a stored code (the code itself for one no longer registered)."""
    try:
        return AuditAction(code).label
    except ValueError:
        return code
