"""What the pure modules (no Django) share: the translation marker and their error type."""

from collections.abc import Mapping


def _(s: str) -> str:
    """Mark a message for translation (makemessages); the Django layer translates it."""
    return s


class PureError(ValueError):
    """Input a pure module cannot accept: ``code`` is stable, ``message`` (English, with
    %(name)s placeholders filled from ``params``) is translated for the clerk by the caller.

    Params come as a mapping, as keywords, or both; the error survives pickling.
    """

    def __init__(self, code: str, message: str, params: Mapping[str, object] | None = None, /, **more: object):
        self.code = code
        self.message = message
        self.params: dict[str, object] = {**(params or {}), **more}
        super().__init__(code, message, self.params)

    def __str__(self) -> str:
        return self.message % self.params
