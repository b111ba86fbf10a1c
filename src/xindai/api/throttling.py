"""Rate limits per token (DRF throttling on the default cache: locmem in one process, Redis with
REDIS_URL so that several web processes share the counts). `API_RATE_LIMIT`, e.g. "1200/m"."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from xindai.api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None  # no token: refused by authentication anyway
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
