"""Cursor pagination over a fixed key (a date or time and the id): deep pages cost what the first
does, and rows added meanwhile never shift a page. `?cursor=` continues, `?size=` (1–100) sizes."""

import base64
import json

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter

from xindai.api.problems import bad_request

DEFAULT_SIZE, MAX_SIZE = 20, 100
BAD_CURSOR = _("The cursor is not valid: use the `next` of a previous page.")
BAD_SIZE = _("The page size must be a whole number from 1 to %(max)s.")

PARAMETERS = [
    OpenApiParameter("cursor", str, description="the `next` of the previous page"),
    OpenApiParameter("size", int, description=f"rows per page, 1–{MAX_SIZE} (default {DEFAULT_SIZE})"),
]


class Keyset:
    """Order by `fields` (e.g. ("-start_date", "-id"); the last is the primary key), all one way."""

    def __init__(self, *fields: str):
        self.fields = fields
        self.names = [f.lstrip("-") for f in fields]
        self.descending = fields[0].startswith("-")

    def size(self, request) -> int:
        raw = request.query_params.get("size", "")
        if not raw:
            return DEFAULT_SIZE
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_SIZE:
            raise bad_request(
                BAD_SIZE % {"max": MAX_SIZE}, [{"field": "size", "detail": str(BAD_SIZE % {"max": MAX_SIZE})}]
            )
        return int(raw)

    def _after(self, queryset, raw: str) -> Q:
        try:
            values = json.loads(base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)))
            if not isinstance(values, list) or len(values) != len(self.names):
                raise ValueError
            model = queryset.model
            values = [
                model._meta.get_field(name).to_python(value) for name, value in zip(self.names, values, strict=True)
            ]
        except Exception:  # noqa: BLE001 - any undecodable cursor is the client's mistake
            raise bad_request(BAD_CURSOR, [{"field": "cursor", "detail": str(BAD_CURSOR)}]) from None
        op = "lt" if self.descending else "gt"
        query, equal = Q(), Q()
        for name, value in zip(self.names, values, strict=True):
            query |= equal & Q(**{f"{name}__{op}": value})
            equal &= Q(**{name: value})
        return query

    def keys(self, request, queryset) -> tuple[list[int], str | None]:
        """The ids of this page (in order) and the cursor of the next one (None on the last page)."""
        size = self.size(request)
        raw = request.query_params.get("cursor", "")
        if raw:
            queryset = queryset.filter(self._after(queryset, raw))
        rows = list(queryset.order_by(*self.fields).values_list(*self.names)[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        following = None
        if more:
            last = [value.isoformat() if hasattr(value, "isoformat") else value for value in rows[-1]]
            following = base64.urlsafe_b64encode(json.dumps(last).encode()).decode().rstrip("=")
        return [row[-1] for row in rows], following


def in_order(rows, ids: list[int]) -> list:
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def page_schema(serializer_class):
    """The response of a list: {next, results}."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    return inline_serializer(
        name=f"{serializer_class.__name__.removesuffix('Serializer')}Page",
        fields={
            "next": serializers.CharField(allow_null=True, help_text="cursor of the next page; null on the last"),
            "results": serializer_class(many=True),
        },
    )
