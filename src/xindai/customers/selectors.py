"""Reads of customers and contacts — always through `visible_to(user)`."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from xindai.core.masking import number_search
from xindai.core.models import AuditLog
from xindai.customers.filters import ContactFilter, CustomerFilter
from xindai.customers.models import Contact, Customer

LIST_RELATED = ("county", "township", "village", "group", "registered_branch", "registered_by")


def customer_search(user, params) -> tuple[CustomerFilter, QuerySet[Customer]]:
    """The filter form and the matching customers in `user`'s scope, ready to paginate."""
    base = Customer.objects.visible_to(user).select_related(*LIST_RELATED)
    filterset = CustomerFilter(params or None, queryset=base, viewer=user)
    queryset = filterset.qs  # invalid criteria are dropped and shown as errors on the form
    if not (params or {}).get("sort"):
        queryset = queryset.order_by("-id")
    return filterset, queryset


def customer_detail(user, pk: int) -> Customer:
    return get_object_or_404(Customer.objects.visible_to(user).select_related(*LIST_RELATED, "area"), pk=pk)


def customer_contacts(user, customer: Customer) -> QuerySet[Contact]:
    return Contact.objects.visible_to(user).filter(customer=customer).select_related("channel", "recorded_by")


def customer_history(customer: Customer) -> QuerySet[AuditLog]:
    return AuditLog.objects.about(customer)


def contact_search(user, params) -> tuple[ContactFilter, QuerySet[Contact]]:
    base = Contact.objects.visible_to(user).select_related("customer", "channel", "recorded_by", "customer__village")
    filterset = ContactFilter(params or None, queryset=base)
    return filterset, filterset.qs


def contact_detail(user, pk: int) -> Contact:
    rows = Contact.objects.visible_to(user).select_related("customer", "channel", "recorded_by", "customer__village")
    return get_object_or_404(rows, pk=pk)


def customer_pick(user, query: str, limit: int = 20) -> list[dict]:
    """Customers for a searchable picker: by name, ID number digits or mobile."""

    qs = Customer.objects.visible_to(user).select_related("village")
    query = query.strip()
    if not query:
        return []
    if query.isdigit() or query[-1:] in "xX":
        by_id = number_search(user, "id_number", ["id_number"], query.upper())
        qs = qs.filter(by_id | number_search(user, "mobile", ["mobile"], query, partial="startswith"))
    else:
        qs = qs.filter(name__contains=query)
    return [
        {"id": c.pk, "text": f"{c.name}（{c.id_number[-4:]}，{c.village.name}）"} for c in qs.order_by("name")[:limit]
    ]
