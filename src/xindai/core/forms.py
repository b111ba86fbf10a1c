"""Bootstrap look for every Django form, through the form renderer and one mixin; fields and
filters bounded so that a hand-edited URL is a field error, never arithmetic that overflows."""

from datetime import date

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from xindai.core.errors import translate_pure_error
from xindai.core.money import MoneyError

FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
MSG_DAY_RANGE = gettext_lazy("Enter a date between 1900-01-01 and 2199-12-31.")
MAX_DAYS = 36_600  # a hundred years of days: the largest "days" a filter needs
MAX_AMOUNT = 10**12


class DateField(forms.DateField):
    """A date within 1900–2199: year 1 or 9999 would overflow every date computed from it."""

    default_validators = [
        MinValueValidator(FIRST_DAY, message=MSG_DAY_RANGE),
        MaxValueValidator(LAST_DAY, message=MSG_DAY_RANGE),
    ]


class DateFilter(django_filters.DateFilter):
    field_class = DateField


def DaysFilter(**kwargs) -> django_filters.NumberFilter:  # noqa: N802 - reads like the filter class it makes
    """A number of days (or periods): whole, 0 … 36,600."""
    return django_filters.NumberFilter(min_value=0, max_value=MAX_DAYS, decimal_places=0, **kwargs)


def AmountFilter(**kwargs) -> django_filters.NumberFilter:  # noqa: N802
    """An amount in yuan: at most 10¹² and to the 分."""
    return django_filters.NumberFilter(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, decimal_places=2, **kwargs)


def parsed(parse, value: str):
    """`value` read by a core.money parser (parse_amount, parse_rate: 50,000.00, full-width digits,
    ¥/元), its refusal in words as the field's error."""
    try:
        return parse(value)
    except MoneyError as err:
        raise forms.ValidationError(translate_pure_error(err)) from None


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html in Python (escaped)."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickRender:
    """Draws an input or a select in Python, to the same HTML as Django's widget templates: those
    render a template per widget, per attribute list and per option, which made the filter form
    of a list page ~25 ms of CPU on every request (the selects of branches, officers, types and
    sort orders most of it). Every name, value and label is escaped here."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        name_html, attrs_html = escape(widget["name"]), _attrs_html(widget["attrs"])
        if isinstance(self, forms.Select):
            options = "".join(_options_html(label, group) for label, group, _index in widget["optgroups"])
            return SafeString(f'<select name="{name_html}"{attrs_html}>{options}\n</select>')
        shown = "" if widget["value"] is None else f' value="{escape(str(widget["value"]))}"'
        return SafeString(f'<input type="{escape(widget["type"])}" name="{name_html}"{shown}{attrs_html}>')


def _options_html(group_name, options) -> str:
    html = "".join(
        f'\n  <option value="{escape(str(o["value"]))}"{_attrs_html(o["attrs"])}>'
        f"{conditional_escape(o['label'])}</option>"
        for o in options
    )
    return f'\n  <optgroup label="{conditional_escape(group_name)}">{html}\n  </optgroup>' if group_name else html


_QUICK: dict[type, type] = {}


def _quick(widget) -> None:
    """Swap a plain input or select for its QuickRender twin (same widget, drawn in Python)."""
    cls = type(widget)
    if cls in _QUICK:
        widget.__class__ = _QUICK[cls]


def _empty_label(field) -> None:
    """One wording for "nothing chosen" on every select."""
    if getattr(field, "empty_label", None) is not None:
        field.empty_label = _("— choose —")
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices = list(field.choices)
        if choices and choices[0][0] == "":
            field.choices = [("", _("— choose —")), *choices[1:]]


class ViewerFilterSetMixin:
    """A filter set that knows who searches (`viewer`): personal numbers are searched through
    core.masking.number_search, so a fragment never undoes the mask."""

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer


class BootstrapFilterSetMixin:
    """Small Bootstrap controls for a django-filter search form."""

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_xindai_styled", False):
            for field in form.fields.values():
                _empty_label(field)
                css = (
                    "form-select form-select-sm"
                    if isinstance(field.widget, forms.Select)
                    else "form-control form-control-sm"
                )
                field.widget.attrs["class"] = (field.widget.attrs.get("class", "") + " " + css).strip()
                _quick(field.widget)
            form._xindai_styled = True
        return form


class BootstrapFormRenderer(TemplatesSetting):
    form_template_name = "xindai/forms/form.html"
    field_template_name = "xindai/forms/field.html"


_CHECKS = (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)


class BootstrapFormMixin:
    """Adds Bootstrap classes to widgets and marks invalid fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _empty_label(field)
            widget = field.widget
            if isinstance(widget, _CHECKS):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            _quick(widget)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class Form(BootstrapFormMixin, forms.Form):
    pass


class ModelForm(BootstrapFormMixin, forms.ModelForm):
    pass


class RemoteSelect(forms.Select):
    """A select filled by a search endpoint (data-picker-url): renders only the chosen option,
    so a field over 100,000 customers does not send them all to the page."""

    def optgroups(self, name, value, attrs=None):
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        chosen = [v for v in value if v and str(v).isdigit()]  # ?region=abc: the field's error, not a crash
        objects = queryset.filter(pk__in=chosen) if chosen else queryset.none()
        self.choices = [("", "")] + [(obj.pk, iterator.field.label_from_instance(obj)) for obj in objects]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = iterator


for _cls in (
    forms.TextInput,
    forms.NumberInput,
    forms.DateInput,
    forms.EmailInput,
    forms.HiddenInput,
    forms.Select,
    forms.NullBooleanSelect,
    RemoteSelect,
):
    _QUICK[_cls] = type(f"Quick{_cls.__name__}", (QuickRender, _cls), {"__module__": __name__})
