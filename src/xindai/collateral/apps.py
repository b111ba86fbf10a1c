from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollateralConfig(AppConfig):
    name = "xindai.collateral"
    label = "collateral"
    verbose_name = _("Collateral and guarantors")

    def ready(self) -> None:
        from xindai.collateral import sections  # noqa: F401 - register the loan and customer sections
