"""The customer and contact lists as Excel, with the list's filters and scope."""

from django.utils.translation import gettext as _

from xindai.core.masking import shown
from xindai.core.xlsx import Column
from xindai.customers.models import CustomerStatus, Gender

CUSTOMER_FIELDS = (
    "name",
    "gender",
    "id_number",
    "mobile",
    "county__name",
    "township__name",
    "village__name",
    "group__name",
    "house_number",
    "spouse_name",
    "spouse_mobile",
    "status",
    "registered_branch__name",
    "registered_by__real_name",
    "created_at",
)


def customer_columns(user) -> list[Column]:
    """Columns over `customers.values(*CUSTOMER_FIELDS)` rows (no model instances: fast)."""
    genders = {value: str(label) for value, label in Gender.choices}
    statuses = {value: str(label) for value, label in CustomerStatus.choices}
    return [
        Column(_("full name"), lambda c: c["name"], width=10),
        Column(_("gender"), lambda c: genders.get(c["gender"], ""), width=6),
        Column(_("ID number"), lambda c: shown(user, "id_number", c["id_number"]), width=21),
        Column(_("mobile"), lambda c: shown(user, "mobile", c["mobile"]), width=13),
        Column(_("county/district"), lambda c: c["county__name"], width=10),
        Column(_("township"), lambda c: c["township__name"], width=12),
        Column(_("village"), lambda c: c["village__name"], width=12),
        Column(_("group"), lambda c: c["group__name"], width=10),
        Column(_("house number"), lambda c: shown(user, "house_number", c["house_number"]), width=10),
        Column(_("spouse name"), lambda c: shown(user, "spouse_name", c["spouse_name"]), width=10),
        Column(_("spouse mobile"), lambda c: shown(user, "mobile", c["spouse_mobile"]), width=13),
        Column(_("status"), lambda c: statuses.get(c["status"], ""), width=8),
        Column(_("registering branch"), lambda c: c["registered_branch__name"], width=14),
        Column(_("registering officer"), lambda c: c["registered_by__real_name"], width=10),
        Column(_("created at"), lambda c: c["created_at"], "datetime", width=17),
    ]


def contact_columns(user) -> list[Column]:
    return [
        Column(_("contact time"), lambda c: c.contacted_at, "datetime", width=17),
        Column(_("customer"), lambda c: c.customer.name, width=10),
        Column(_("village"), lambda c: c.customer.village.name, width=12),
        Column(_("channel"), lambda c: c.channel.name, width=10),
        Column(_("place"), lambda c: c.place, width=14),
        Column(_("subject"), lambda c: c.subject, width=20),
        Column(_("content"), lambda c: shown(user, "text", c.content), width=40),
        Column(_("follow-up date"), lambda c: c.follow_up_on, "date", width=12),
        Column(_("recorded by"), lambda c: c.recorded_by.real_name, width=10),
    ]
