from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "xindai.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from xindai.org import signals  # noqa: F401 - connects the sign-in audit receivers
