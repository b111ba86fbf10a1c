"""What the /api/v1 views share: schema helpers, the query string, pages, dates."""

from datetime import date

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from xindai.api import idempotency
from xindai.api import serializers as out
from xindai.api.pagination import PARAMETERS as PAGE
from xindai.api.problems import bad_request

"""/api/v1: the same selectors, services, forms, scope and masking as the pages; views parse,
call and answer. Lists page by cursor; writes answer 201 with the new record."""


PROBLEMS = {
    (code, "application/problem+json"): OpenApiResponse(out.ProblemSerializer)
    for code in (400, 401, 403, 404, 409, 422, 429)
}


def _params(filterset_class, *extra) -> list[OpenApiParameter]:
    """The page's filter names as query parameters (`sort` is the cursor's, not taken here)."""
    names = [name for name in filterset_class.base_filters if name != "sort"]
    return [OpenApiParameter(name, str) for name in names] + list(extra) + PAGE


def _query(request):
    params = request.query_params.copy()
    for name in ("sort", "cursor", "size", "page"):
        params.pop(name, None)
    return params


def _page(serializer, rows, following, request):
    return Response({"next": following, "results": serializer(rows, many=True, context={"request": request}).data})


def _doc(summary, response, *, request=None, parameters=(), tags=None, responses=None, idempotent=False, op=None):
    codes = {200: response} if response is not None else {}
    codes.update(responses or {})
    codes.update(PROBLEMS)
    params = list(parameters) + ([idempotency.PARAMETER] if idempotent else [])
    return extend_schema(
        summary=summary, request=request, responses=codes, parameters=params, tags=tags, operation_id=op
    )


def _date(request, name: str):

    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        message = _("Enter a date as YYYY-MM-DD.")
        raise bad_request(message, [{"field": name, "detail": message}]) from None
