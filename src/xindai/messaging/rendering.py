"""Template text with {参数} (pure: no Django): finding, checking and substituting parameters."""

import re

from xindai.core.phone import sms_segments
from xindai.core.pure import PureError, _

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class TemplateError(PureError):
    """A template text that cannot be saved."""


def params_in(text: str) -> list[str]:
    """The parameters a text uses, in order of first appearance (the provider's parameter order)."""
    return list(dict.fromkeys(name.strip() for name in _PLACEHOLDER.findall(text)))


def check_text(text: str, known: tuple[str, ...]) -> list[str]:
    """The text's parameters; TemplateError naming any that is not `known` (the template kind's,
    messaging/parameters.py), or an empty text."""
    if not text.strip():
        raise TemplateError("empty", _("Write the text of the message."))
    names = params_in(text)
    unknown = [name for name in names if name not in known]
    if unknown:
        raise TemplateError(
            "unknown_parameter",
            _("Unknown parameter %(names)s; use only: %(known)s."),
            names="、".join("{" + n + "}" for n in unknown),
            known="、".join("{" + n + "}" for n in known),
        )
    return names


def render(text: str, values: dict[str, str]) -> str:
    """The text with each {参数} replaced by its value (an unknown one is left as written)."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1).strip(), m.group(0))), text)


def counts(text: str) -> dict[str, int]:
    """Characters and segments of one message (70 per single message, 67 per part)."""
    return {"characters": len(text), "segments": sms_segments(text)}
