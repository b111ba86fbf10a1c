"""The loan page's credit panel (核销, 展期/重组, 减免, 移交, requests), read through the viewer's scope."""

from django import template

from xindai.core.approval import ACTION_LABELS, Action
from xindai.credit import selectors

register = template.Library()


@register.inclusion_tag("credit/_loan_panel.html", takes_context=True)
def credit_panel(context, loan):
    request = context["request"]
    return {"loan": loan, "perms": context.get("perms"), **selectors.loan_panel(request.user, loan)}


@register.simple_tag(takes_context=True)
def written_off(context, loan):
    """The loan's write-off (for its status badge), or None."""
    return selectors.loan_write_off(loan)


@register.simple_tag
def action_label(code: str) -> str:
    try:
        return str(ACTION_LABELS[Action(code)])
    except ValueError:
        return code
