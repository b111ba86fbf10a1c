"""Small helpers that keep views thin: run a service, paginate a list."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404

from xindai.core.errors import BusinessError

PAGE_SIZES = (20, 50, 100, 200)


def run_service(form: Form, call: Callable[[], Any]) -> Any | None:
    """Call a service; a BusinessError becomes an error on the form (on its field if named)."""
    try:
        return call()
    except BusinessError as err:
        field = err.field if err.field in form.fields else None
        form.add_error(field, str(err))
        return None


class _CountedPaginator(Paginator):
    """A paginator told the count already (computed with the list's totals in one query)."""

    def __init__(self, *args, count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.__dict__["count"] = count  # fills Paginator's cached_property


def paginate(request, queryset, *, default_size: int = 20, count: int | None = None):
    """A page of `queryset` by ?page= and ?size= (one of PAGE_SIZES); `count` when known saves a query."""
    try:
        size = int(request.GET.get("size", default_size))
    except ValueError:
        size = default_size
    if size not in PAGE_SIZES:
        size = default_size
    paginator = Paginator(queryset, size) if count is None else _CountedPaginator(queryset, size, count=count)
    return paginator.get_page(request.GET.get("page"))


def require_perm(user, code: str) -> None:
    """403 unless the user's role holds `code`. Object views call it after finding the object
    in scope, so an object outside the scope answers 404 whatever the permission."""
    if not user.has_perm(code):
        raise PermissionDenied


def id_param(request, name: str) -> int | None:
    """An object ID from the query string: None when absent, 404 when it is not a number
    (a hand-edited URL must not turn into a server error)."""
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def run_and_report(request, call: Callable[[], Any], success: str) -> bool:
    """Run a service behind a button (delete, deactivate): its BusinessError, or `success`,
    becomes the message shown on the next page. True when it went through."""
    try:
        call()
    except BusinessError as err:
        messages.error(request, str(err))
        return False
    messages.success(request, success)
    return True


def wants_export(request, perm: str) -> bool:
    """Whether the list was asked for as Excel (?export=xlsx); 403 without `perm`."""
    if request.GET.get("export") != "xlsx":
        return False
    require_perm(request.user, perm)
    return True
