"""Template filters for numbers, dates and personal data as ux.md shows them."""

from decimal import Decimal

from django import template

from xindai.core import masking
from xindai.core.display import format_count, format_rate
from xindai.core.masking import sees_personal, shown
from xindai.core.money import format_amount

register = template.Library()


@register.filter
def money(value) -> str:
    """12,345.60 — exact, never through float."""
    if value is None or value == "":
        return ""
    return format_amount(value if isinstance(value, Decimal) else Decimal(str(value)))


@register.filter
def rate(value) -> str:
    """4.35% — two decimals at least, up to the four a rate is stored with."""
    if value is None or value == "":
        return ""
    return format_rate(value)


@register.filter
def count(value) -> str:
    """60,037 — a count with thousands separators (core.display.format_count)."""
    if value is None or value == "":
        return ""
    return format_count(value)


@register.simple_tag(takes_context=True)
def personal(context, value, kind="mobile"):
    """Personal data as the user may see it (core.masking.shown): kind "id", "mobile",
    "birth_date", "house_number", "name" (a spouse) or "text" (free text with numbers in it)."""
    if value is None or value == "":
        return ""
    return shown(context.get("user"), "id_number" if kind == "id" else kind, value)


@register.simple_tag(takes_context=True)
def tel_href(context, number) -> str:
    """A tel: link to `number` for a user who may see it in full (core.masking), else "" — a masked
    number is no number to call: `{% tel_href customer.mobile as tel %}{% if tel %}…`."""
    if not number or not sees_personal(context.get("user")):
        return ""
    return f"tel:{number}"


@register.simple_tag(takes_context=True)
def shown_changes(context, changes) -> dict:
    """An audit row's changes as the user may see them: `{% shown_changes e.changes as changes %}`."""
    return masking.shown_changes(context.get("user"), changes or {})


@register.simple_tag(takes_context=True)
def in_words(context, entries) -> list:
    """Audit rows in words for the reader (core.audit_words): `{% in_words history as entries %}`."""
    from xindai.core.audit_words import in_words as words

    return words(context.get("user"), entries)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (for sorting and paging links)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.filter
def split_words(value: str) -> list[str]:
    return value.split()


@register.filter
def field_named(form, name: str):
    return form[name]


@register.filter
def percent(value) -> str:
    """A fraction (Decimal("0.0221")) as a percent with two decimals: 2.21%."""
    if value in (None, ""):
        return ""
    return f"{Decimal(value) * 100:.2f}%"
