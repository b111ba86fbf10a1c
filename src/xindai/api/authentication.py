"""`Authorization: Bearer xd_…`: the token's user, refused when revoked, expired or from an address
outside its allow-list; each use is recorded by the views (api/views_base.py)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from xindai.api import tokens
from xindai.api.models import ApiToken, ApiTokenUse
from xindai.core.middleware import client_ip

BAD_TOKEN = _("The API token is not valid.")
REVOKED = _("This API token has been revoked.")
EXPIRED = _("This API token has expired.")
INACTIVE_USER = _("The user of this API token is disabled.")
WRONG_ADDRESS = _("This API token may not be used from your address.")


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1", "replace").split()
        if not header or header[0].lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        value = header[1]
        prefix = tokens.parse(value)
        token = ApiToken.objects.select_related("user").filter(prefix=prefix).first() if prefix else None
        if token is None or not tokens.matches(value, token.secret_hash):
            raise exceptions.AuthenticationFailed(BAD_TOKEN)
        ip = client_ip(request)
        refusal = None
        if token.revoked_at is not None:
            refusal = exceptions.AuthenticationFailed(REVOKED)
        elif token.expires_at <= timezone.now():
            refusal = exceptions.AuthenticationFailed(EXPIRED)
        elif not token.user.is_active:
            refusal = exceptions.AuthenticationFailed(INACTIVE_USER)
        elif not tokens.ip_allowed(ip, token.allowed_ips):
            refusal = exceptions.PermissionDenied(WRONG_ADDRESS)
        if refusal is not None:  # a refused use of a real token is recorded too
            ApiTokenUse.objects.create(
                token=token,
                ip_address=ip,
                method=request.method[:8],
                path=request.path[:300],
                status=refusal.status_code,
            )
            raise refusal
        token.request_ip = ip
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "xd_… (我的 API 令牌)"}
