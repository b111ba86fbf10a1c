"""Criteria of the message log (发送记录); they live in the URL."""

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import BootstrapFilterSetMixin, DateFilter, ViewerFilterSetMixin
from xindai.core.masking import number_search
from xindai.core.phone import normalize_mobile
from xindai.messaging.models import CallOutcome, MessageStatus, Purpose, SmsTemplate
from xindai.org.filters import branch_filter, officer_filter


class MessageFilter(ViewerFilterSetMixin, BootstrapFilterSetMixin, filters.FilterSet):
    date_from = DateFilter(label=_("from"), field_name="created_at", lookup_expr="date__gte")
    date_to = DateFilter(label=_("to"), field_name="created_at", lookup_expr="date__lte")
    status = filters.ChoiceFilter(label=_("status"), choices=MessageStatus.choices)
    purpose = filters.ChoiceFilter(label=_("kind"), choices=Purpose.choices)
    template = filters.ModelChoiceFilter(label=_("template"), queryset=SmsTemplate.objects.all())
    customer = filters.CharFilter(label=_("customer"), field_name="customer__name", lookup_expr="contains")
    recipient = filters.CharFilter(label=_("number"), method="filter_recipient")
    officer = officer_filter("loan__officer")
    branch = branch_filter("loan__handling_branch")

    def filter_recipient(self, queryset, name, value):
        number = normalize_mobile(value)
        if not number:
            return queryset
        return queryset.filter(number_search(self.viewer, "mobile", ["recipient"], number, partial="contains"))


class CallFilter(MessageFilter):
    """Criteria of the call log (呼叫记录): the message log's, and the call's result and retries."""

    outcome = filters.ChoiceFilter(label=_("call result"), field_name="call_outcome", choices=CallOutcome.choices)
    retried = filters.BooleanFilter(label=_("called more than once"), method="filter_retried")

    def filter_retried(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(attempts__gt=1) if value else queryset.filter(attempts__lte=1)
