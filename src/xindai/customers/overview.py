"""The customers' figures on the home page."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xindai.core.overview import card, register
from xindai.customers.models import Contact, Customer, CustomerStatus


@register
def customer_cards(user) -> list[dict]:
    if not user.has_perm("customers.view"):
        return []
    figures = Customer.objects.visible_to(user).aggregate(
        total=Count("id"), prospects=Count("id", filter=Q(status=CustomerStatus.PROSPECT))
    )
    today = timezone.localdate()
    week = today + timedelta(days=7)
    follow_ups = Contact.objects.visible_to(user).filter(follow_up_on__range=(today, week)).count()
    customers_url = reverse("customers:list")
    contacts_url = reverse("customers:contact_list")
    return [
        card("customers", _("Number of customers"), f"{figures['total']:,}", customers_url),
        card("prospects", _("Prospects"), f"{figures['prospects']:,}", f"{customers_url}?status=prospect"),
        card(
            "follow_ups",
            _("Follow-ups due in 7 days"),
            f"{follow_ups:,}",
            f"{contacts_url}?follow_up_from={today:%Y-%m-%d}&follow_up_to={week:%Y-%m-%d}",
        ),
    ]
