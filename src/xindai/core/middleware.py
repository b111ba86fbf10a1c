"""Makes the current request's address known to the audit log without passing it around."""

from contextvars import ContextVar

from django.conf import settings
from django.utils import translation

current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or — only when the request comes from a proxy named in
    settings.TRUSTED_PROXIES — the last address in X-Forwarded-For that is not one of them."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = set(settings.TRUSTED_PROXIES)
    if remote not in trusted:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class DefaultLanguageMiddleware:
    """Chinese unless the user chose otherwise (the language cookie set by the switcher).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a bank's
    interface is Chinese by default whatever the workstation's browser says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class StripNulMiddleware:
    """NUL characters in the query string are dropped: PostgreSQL text cannot hold them, and no
    search or filter means them (`?q=%00` was a 500 on every picker)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = request.GET.copy()
            for key in list(cleaned):
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in cleaned.getlist(key)])
                if "\x00" in key:
                    del cleaned[key]
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
