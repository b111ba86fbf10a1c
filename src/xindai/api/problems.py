"""Every error as RFC 9457 problem JSON (application/problem+json) with a Chinese `detail`.

{"type": "about:blank", "title": "请求数据有误", "status": 400, "detail": "…",
 "errors": [{"field": "amount", "detail": "…"}]}
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from xindai.core.errors import BusinessError

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: gettext_lazy("The request data is invalid"),
    401: gettext_lazy("Not authenticated"),
    403: gettext_lazy("Permission denied"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    406: gettext_lazy("Not acceptable"),
    409: gettext_lazy("Conflict"),
    415: gettext_lazy("Unsupported media type"),
    422: gettext_lazy("The request was refused"),
    429: gettext_lazy("Too many requests"),
}
NOT_FOUND = gettext_lazy("Not found, or outside your data scope.")
FORBIDDEN = gettext_lazy("You do not have permission to do this.")
INVALID = gettext_lazy("Some fields are invalid: see errors.")


class Problem(exceptions.APIException):
    """A refusal with its own status (409, 422) and optional field errors."""

    def __init__(self, status_code: int, detail, errors: list[dict] | None = None):
        self.status_code = status_code
        self.errors = errors or []
        super().__init__(str(detail))


def problem_response(status_code: int, detail: str, errors: list[dict] | None = None, headers=None) -> Response:
    body = {
        "type": "about:blank",
        "title": str(TITLES.get(status_code, "")),
        "status": status_code,
        "detail": str(detail),
    }
    if errors:
        body["errors"] = errors
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_JSON)


def flatten(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error detail (or a form's errors) as [{field, detail}]."""
    out = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key in ("non_field_errors", "__all__"):
                name = prefix
            out.extend(flatten(value, name))
    elif isinstance(detail, list | tuple):
        if all(isinstance(item, str) for item in detail):
            out.extend({"field": prefix, "detail": str(item)} for item in detail)
        else:
            for index, item in enumerate(detail):
                out.extend(flatten(item, f"{prefix}[{index}]" if prefix else f"[{index}]"))
    else:
        out.append({"field": prefix, "detail": str(detail)})
    return out


def form_errors(form) -> list[dict]:
    return [
        {"field": "" if field == "__all__" else field, "detail": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]


def business_problem(err: BusinessError) -> Problem:
    return Problem(422, str(err), [{"field": err.field, "detail": str(err)}] if err.field else None)


def exception_handler(exc, context):
    if isinstance(exc, BusinessError):
        exc = business_problem(exc)
    if isinstance(exc, Http404):
        return problem_response(404, NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return problem_response(403, FORBIDDEN)
    if isinstance(exc, Problem):
        return problem_response(exc.status_code, exc.detail, exc.errors)
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten(exc.detail)
        return problem_response(400, _(INVALID) if errors else str(exc.detail), errors)
    response = drf_handler(exc, context)
    if response is None:
        return None
    code = response.status_code
    detail = exc.detail if isinstance(exc, exceptions.APIException) else ""
    if isinstance(exc, exceptions.PermissionDenied) and str(detail) == str(exceptions.PermissionDenied.default_detail):
        detail = FORBIDDEN
    if isinstance(exc, exceptions.NotFound):
        detail = NOT_FOUND
    headers = {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After", "Allow")}
    return problem_response(code, str(detail), None, headers)


def bad_request(detail, errors=None) -> Problem:
    return Problem(status.HTTP_400_BAD_REQUEST, detail, errors)
