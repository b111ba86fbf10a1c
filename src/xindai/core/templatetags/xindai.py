"""Template filters for numbers, dates and personal data as ux.md shows them."""

from decimal import Decimal

from django import template

from xindai.core.idnumber import mask_id_number
from xindai.core.money import format_amount
from xindai.core.phone import mask_mobile

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
    number = Decimal(str(value))
    two = number.quantize(Decimal("0.01"))
    return f"{two}%" if two == number else f"{number.normalize():f}%"


@register.simple_tag(takes_context=True)
def personal(context, value, kind="mobile") -> str:
    """A mobile or ID number, masked unless the user may see it in full."""
    if not value:
        return ""
    user = context.get("user")
    if user is not None and user.has_perm("customers.view_personal"):
        return value
    return mask_id_number(value) if kind == "id" else mask_mobile(value)


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
    from decimal import Decimal

    if value in (None, ""):
        return ""
    return f"{Decimal(value) * 100:.2f}%"
