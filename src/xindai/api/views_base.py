"""The base of every API view: token authentication, the per-token rate limit, problem JSON, and
one row of ApiTokenUse per request made with a token."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from rest_framework.views import APIView

from xindai.api.models import ApiToken, ApiTokenUse
from xindai.api.problems import bad_request, form_errors

LAST_USED_EVERY = timedelta(minutes=1)


class ApiView(APIView):
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        token = getattr(request, "_auth", None)
        if isinstance(token, ApiToken):
            _record_use(token, request, response.status_code)
        return response


def _record_use(token: ApiToken, request, status: int) -> None:
    """One INSERT per request; the token's "last used" is written at most once a minute."""
    now = timezone.now()
    ip = getattr(token, "request_ip", None)
    ApiTokenUse.objects.create(
        token=token, at=now, ip_address=ip, method=request.method[:8], path=request.path[:300], status=status
    )
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)


def need(user, code: str) -> None:
    """403 unless the user holds `code` (called after the object was found in scope: 404 first)."""
    if not user.has_perm(code):
        raise PermissionDenied


def body(request) -> dict:
    """The JSON object of the request (anything else is refused)."""
    if not isinstance(request.data, dict):
        raise bad_request(_not_object())
    return request.data


def _not_object():
    from django.utils.translation import gettext as _

    return _("The request body must be a JSON object.")


def valid(form):
    """The form (the page's own, with its rules) validated, or a 400 with its field errors."""
    if not form.is_valid():
        from django.utils.translation import gettext as _

        raise bad_request(_("Some fields are invalid: see errors."), form_errors(form))
    return form


def filtered(filterset):
    """The page's filter set, refusing criteria the page would drop (400 with the fields)."""
    if filterset.is_bound and not filterset.is_valid():
        from django.utils.translation import gettext as _

        raise bad_request(_("Some fields are invalid: see errors."), form_errors(filterset.form))
    return filterset


def bound(form_class, data, **kwargs):
    """The page's form bound to `data`, a field left out taking the default the page would show
    (a field's initial value: the status of a new customer, the counter as channel)."""
    blank = form_class(**kwargs)
    for name, field in blank.fields.items():
        if name not in data and field.initial not in (None, ""):
            data[name] = field.initial() if callable(field.initial) else field.initial
    return form_class(data, **kwargs)


def form_data(data: dict, allowed) -> dict:
    """JSON values as a form reads them: lists kept, None as empty, the rest as given."""
    from django.utils.datastructures import MultiValueDict

    out = MultiValueDict()
    for key, value in data.items():
        if key not in allowed:
            continue
        if isinstance(value, list):
            out.setlist(key, ["" if v is None else v for v in value])
        elif isinstance(value, dict):
            out[key] = ""
        else:
            out[key] = "" if value is None else value
    return out


def not_found(request, *args, **kwargs):
    """An /api/v1 address that names no endpoint: 404 as problem JSON, like every other refusal."""
    import json

    from django.http import HttpResponse

    from xindai.api.problems import NOT_FOUND, PROBLEM_JSON, TITLES

    problem = {"type": "about:blank", "title": str(TITLES[404]), "status": 404, "detail": str(NOT_FOUND)}
    return HttpResponse(json.dumps(problem, ensure_ascii=False), status=404, content_type=PROBLEM_JSON)
