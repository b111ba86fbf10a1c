from django import forms
from django.utils.translation import gettext_lazy as _

from xindai.core.forms import DateField


class ReceiptsForm(forms.Form):
    """Which day's interest settlements to print."""

    date = DateField(
        label=_("Interest settlement date"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm w-auto"}),
    )
