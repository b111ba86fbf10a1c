"""Idempotency-Key on writes: the same key and body answer the first result and post once, also
when the two requests race; the same key with another body is refused (422).

How: a PostgreSQL advisory lock on (user, key) for the length of the request makes a second
request with the key wait for the first. Before the write a row marks the key as taken (its own
commit); the answer is stored when the write is done. A key left taken with no answer (the process
died between the write's commit and storing the answer) answers 409 instead of posting again.
A request refused before the write ran (invalid input, no permission, out of scope) keeps no
answer: the key may be used again with a corrected body. A business rule's refusal (422) is the
first result and is answered again.
"""

import hashlib
import json
from collections.abc import Callable

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response

from xindai.api.models import IdempotentRequest
from xindai.api.problems import Problem

HEADER = "Idempotency-Key"
OTHER_BODY = _("This Idempotency-Key was used with another request body; use a new key for a new request.")
UNFINISHED = _("The first request with this Idempotency-Key did not finish; check its result before trying again.")
TOO_LONG = _("The Idempotency-Key may be at most 200 characters.")
PENDING = 0
NOT_RUN = {400, 403, 404}  # invalid input, no permission, not in scope: nothing was attempted

PARAMETER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    description="a key of the client's (e.g. a UUID): the same key and body post once and answer the first result",
)


def _hash(endpoint: str, data) -> str:
    text = json.dumps([endpoint, data], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def run(request, endpoint: str, call: Callable[[], Response]) -> Response:
    """`call()` once per (user, key); without the header, every time."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return call()
    if len(key) > 200:
        raise Problem(400, TOO_LONG, [{"field": HEADER, "detail": str(TOO_LONG)}])
    digest = _hash(endpoint, request.data)
    lock = f"xindai-api-idempotency:{request.user.pk}:{key}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", [lock])
    try:
        stored = IdempotentRequest.objects.filter(user=request.user, key=key).first()
        if stored is not None:
            return _replay(stored, endpoint, digest)
        try:
            with transaction.atomic():
                marker = IdempotentRequest.objects.create(
                    user=request.user, key=key, endpoint=endpoint, body_hash=digest, status=PENDING, response={}
                )
        except IntegrityError:  # taken between the look-up and here: cannot happen under the lock
            raise Problem(409, UNFINISHED) from None
        try:
            response = call()
        except Exception as err:
            from xindai.api.problems import exception_handler as problems

            answer = problems(err, {"request": request})
            if answer is None:
                marker.delete()
                raise
            response = answer
        if response.status_code in NOT_RUN:  # refused before anything ran: the key stays free for a fix
            marker.delete()
        else:
            IdempotentRequest.objects.filter(pk=marker.pk).update(status=response.status_code, response=response.data)
        return response
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [lock])


def _replay(stored: IdempotentRequest, endpoint: str, digest: str) -> Response:
    if stored.endpoint != endpoint or stored.body_hash != digest:
        raise Problem(422, OTHER_BODY, [{"field": HEADER, "detail": str(OTHER_BODY)}])
    if stored.status == PENDING:
        raise Problem(409, UNFINISHED)
    content_type = "application/problem+json" if stored.status >= 400 else None
    return Response(
        stored.response, status=stored.status, headers={"Idempotent-Replayed": "true"}, content_type=content_type
    )
