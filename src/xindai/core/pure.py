"""What the pure modules (no Django) share: the translation marker and their error type."""


def _(s: str) -> str:
    """Mark a message for translation (makemessages); the Django layer translates it."""
    return s


class PureError(ValueError):
    """Input a pure module cannot accept: ``code`` is stable, ``message`` (English, with
    %(name)s placeholders filled from ``params``) is translated for the clerk by the caller."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        self.code = code
        self.message = message
        self.params: dict[str, object] = params
        super().__init__(message % params)

    def __str__(self) -> str:
        return self.message % self.params
