from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostloanConfig(AppConfig):
    name = "xindai.postloan"
    label = "postloan"
    verbose_name = _("Post-loan management")

    def ready(self) -> None:
        from xindai.postloan import overview, sections  # noqa: F401 - register home cards and sections
