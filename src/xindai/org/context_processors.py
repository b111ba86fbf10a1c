"""The page frame's context: it names the user's scope, so it lives with the users (org)."""

from xindai.core.menu import menu_for
from xindai.core.system_settings import get_system_settings
from xindai.core.viewhelpers import PAGE_SIZES
from xindai.org.selectors import scope_label


def frame(request) -> dict:
    """What the page frame shows: bank name, menu, and the user's scope label."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"bank_name": get_system_settings().bank_name}
    return {
        "bank_name": get_system_settings().bank_name,
        "menu": menu_for(user, request.path),
        "scope_label": scope_label(user),
        "page_sizes": PAGE_SIZES,
    }
