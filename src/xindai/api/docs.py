"""The schema and Swagger UI, served by the app itself (drf-spectacular-sidecar: no CDN).

The page keeps the site's CSP for scripts (no inline script: Swagger UI's start script is its own
request, SpectacularSwaggerSplitView); Swagger UI styles its elements from script, so this page
alone allows inline styles. (Redoc is left out: it loads its logo from its makers' CDN.)"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from xindai.api.authentication import TokenAuthentication

READER_CSP = {"style-src": [UNSAFE_INLINE]}


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
