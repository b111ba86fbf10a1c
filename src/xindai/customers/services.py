"""Writes of customers and contact records; each takes the actor and leaves an audit row."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from xindai.core import audit
from xindai.core.audit_actions import AuditAction
from xindai.core.errors import BusinessError
from xindai.core.scope import UNIQUE
from xindai.customers.models import Contact, ContactChannel, Customer
from xindai.org.models import Region, RegionLevel, User
from xindai.org.selectors import region_chain

CUSTOMER_HAS_LOANS = _("%(name)s has loans and cannot be deleted. Set the customer inactive instead.")
CUSTOMER_HAS_CONTACTS = _("%(name)s has contact records and cannot be deleted. Set the customer inactive instead.")
DUPLICATE_ID_NUMBER = _("A customer with ID number %(id)s is already registered.")
VILLAGE_REQUIRED = _("Please choose the village the customer lives in.")
GROUP_NOT_IN_VILLAGE = _("The group %(group)s does not belong to the village %(village)s.")

CUSTOMER_FIELDS = [
    "name",
    "gender",
    "id_number",
    "birth_date",
    "mobile",
    "county",
    "area",
    "township",
    "village",
    "group",
    "house_number",
    "landline",
    "spouse_name",
    "spouse_mobile",
    "status",
    "registered_branch",
    "registered_by",
    "remarks",
]
CONTACT_FIELDS = ["customer", "contacted_at", "channel", "place", "subject", "content", "follow_up_on"]


@dataclass(frozen=True, slots=True)
class RegionChain:
    county: Region
    area: Region | None
    township: Region
    village: Region
    group: Region | None


def village_chain(village: Region | None, group: Region | None = None) -> RegionChain:
    """County, area, township of a village — the levels a customer record keeps."""
    if village is None or village.level != RegionLevel.VILLAGE:
        raise BusinessError(VILLAGE_REQUIRED, field="village")
    if group is not None and group.parent_id != village.pk:
        raise BusinessError(GROUP_NOT_IN_VILLAGE, {"group": group.name, "village": village.name}, field="group")
    nodes = region_chain(village)
    return RegionChain(
        county=nodes[RegionLevel.COUNTY],
        area=nodes.get(RegionLevel.AREA),
        township=nodes[RegionLevel.TOWNSHIP],
        village=village,
        group=group,
    )


def _apply_region(values: dict) -> dict:
    if "village" in values:
        chain = village_chain(values["village"], values.get("group"))
        values.update(county=chain.county, area=chain.area, township=chain.township)
    return values


def customer_create(*, actor: User, **values) -> Customer:
    """Register a customer. `values` are already validated fields; the region follows the village."""
    values = _apply_region(values)
    with transaction.atomic():
        if Customer.objects.visible_to(UNIQUE).filter(id_number=values["id_number"]).exists():
            raise BusinessError(DUPLICATE_ID_NUMBER, {"id": values["id_number"]}, field="id_number")
        customer = Customer.objects.create(created_by=actor, updated_by=actor, **values)
        audit.record(actor, AuditAction.CUSTOMER_CREATED, customer, changes=audit.snapshot(customer, CUSTOMER_FIELDS))
    return customer


def customer_update(*, actor: User, customer: Customer, **values) -> Customer:
    """Change a customer; the history (who, when, old and new values) goes to the audit log."""
    values = _apply_region(values)
    with transaction.atomic():
        locked = Customer.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=customer.pk)
        if (
            "id_number" in values
            and values["id_number"] != locked.id_number
            and Customer.objects.visible_to(UNIQUE).filter(id_number=values["id_number"]).exists()
        ):
            raise BusinessError(DUPLICATE_ID_NUMBER, {"id": values["id_number"]}, field="id_number")
        before = audit.snapshot(locked, CUSTOMER_FIELDS)
        for name, value in values.items():
            setattr(locked, name, value)
        locked.updated_by = actor
        locked.save()
        changes = audit.diff(before, audit.snapshot(locked, CUSTOMER_FIELDS))
        if changes:
            audit.record(actor, AuditAction.CUSTOMER_CHANGED, locked, changes=changes)
    return locked


# Whether a customer has loans anywhere in the bank: the loans app registers the check (a
# customer with a loan elsewhere is kept too: only "has loans" shows).
_HAS_LOANS: list[Callable[[Customer], bool]] = []


def register_loans_check(check: Callable[[Customer], bool]) -> Callable[[Customer], bool]:
    _HAS_LOANS.append(check)
    return check


def customer_has_loans(customer: Customer) -> bool:
    return any(check(customer) for check in _HAS_LOANS)


def customer_delete(*, actor: User, customer: Customer) -> None:
    """Delete a customer who never had a loan; one with loans can only be set inactive."""
    with transaction.atomic():
        if customer_has_loans(customer):
            raise BusinessError(CUSTOMER_HAS_LOANS, {"name": customer.name})
        if customer.contacts.exists():
            raise BusinessError(CUSTOMER_HAS_CONTACTS, {"name": customer.name})
        audit.record(actor, AuditAction.CUSTOMER_DELETED, customer, changes=audit.snapshot(customer, CUSTOMER_FIELDS))
        customer.delete()


def contact_create(*, actor: User, **values) -> Contact:
    """Record a contact with a customer (沟通登记)."""
    with transaction.atomic():
        contact = Contact.objects.create(recorded_by=actor, **values)
        audit.record(actor, AuditAction.CONTACT_CREATED, contact, changes=audit.snapshot(contact, CONTACT_FIELDS))
    return contact


def contact_channel_save(*, actor: User, channel=None, **values):
    """Add a contact channel (沟通方式) or change one; channels in use are deactivated, not deleted."""
    channel = channel or ContactChannel()
    with transaction.atomic():
        before = audit.snapshot(channel, ["name", "sort_order", "is_active"]) if channel.pk else {}
        for name, value in values.items():
            setattr(channel, name, value)
        channel.save()
        audit.record(
            actor,
            AuditAction.CHANNEL_SAVED,
            channel,
            changes=audit.diff(before, audit.snapshot(channel, ["name", "sort_order", "is_active"])),
        )
    return channel
