"""The schema and its two readers, served by the app itself (drf-spectacular-sidecar: no CDN).

The pages keep the site's CSP for scripts (no inline script: Swagger UI's start script is its own
request, SpectacularSwaggerSplitView); Swagger UI and Redoc style their elements from script, so
these two pages alone allow inline styles (and Redoc its blob: worker)."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from xindai.api.authentication import TokenAuthentication

READER_CSP = {"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}


class SchemaView(SpectacularAPIView):
    """JSON by default (its errors are problem JSON too); ?format=yaml for YAML."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


@method_decorator(csp_update(READER_CSP), name="dispatch")
class SwaggerView(SpectacularSwaggerSplitView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


@method_decorator(csp_update(READER_CSP), name="dispatch")
class RedocView(SpectacularRedocView):
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
    template_name = "api/redoc.html"
    url_name = "api:schema"
