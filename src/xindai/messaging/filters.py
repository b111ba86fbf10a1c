"""Criteria of the message log (发送记录); they live in the URL."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import BootstrapFilterSetMixin, DateFilter
from xindai.messaging.models import MessageStatus, Purpose, SmsTemplate
from xindai.org.models import Branch, User


class MessageFilter(BootstrapFilterSetMixin, filters.FilterSet):
    date_from = DateFilter(label=_("from"), field_name="created_at", lookup_expr="date__gte")
    date_to = DateFilter(label=_("to"), field_name="created_at", lookup_expr="date__lte")
    status = filters.ChoiceFilter(label=_("status"), choices=MessageStatus.choices)
    purpose = filters.ChoiceFilter(label=_("kind"), choices=Purpose.choices)
    template = filters.ModelChoiceFilter(label=_("template"), queryset=SmsTemplate.objects.all())
    customer = filters.CharFilter(label=_("customer"), field_name="customer__name", lookup_expr="contains")
    recipient = filters.CharFilter(label=_("number"), field_name="recipient", lookup_expr="contains")
    officer = filters.ModelChoiceFilter(
        label=_("loan officer"), field_name="loan__officer", queryset=User.objects.filter(is_loan_officer=True)
    )
    branch = filters.ModelChoiceFilter(
        label=_("handling branch"), queryset=Branch.objects.all(), method="filter_branch"
    )

    def filter_branch(self, queryset, name, value):
        return queryset.filter(loan__handling_branch__path__startswith=value.path) if value else queryset
