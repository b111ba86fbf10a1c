"""The exceptions services raise: a business rule the user broke (its message is shown as it
is), and an object the caller cannot reach (the view answers 404)."""

from django.utils.functional import Promise
from django.utils.translation import gettext

from xindai.core.display import shown_params


class BusinessError(Exception):
    """A rule of the business refused the action.

    `message` is a translatable constant (often with %-placeholders filled from `params`),
    so tests can assert the exact text and users read it in their language. `field`
    names the form field the error belongs to, when there is one. Amounts and dates among
    the params are shown the one way (core/display.py: 12,345.60, 2026-03-20).
    """

    def __init__(self, message: str | Promise, params: dict | None = None, *, field: str | None = None):
        self.message = message
        self.params = params or {}
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        text = str(self.message)
        return text % shown_params(self.params) if self.params else text


class NotFound(LookupError):
    """What the caller asked for is not there for them (outside their scope, gone, a malformed
    reference). Services raise it, never Http404; the view helpers answer 404."""


def translate_pure_error(err: Exception) -> str:
    """Translate an error raised by a pure module (English `message` + `params`)."""
    message = getattr(err, "message", None)
    if message is None:
        return str(err)
    params = getattr(err, "params", None) or {}
    text = gettext(message)
    return text % shown_params(params) if params else text
