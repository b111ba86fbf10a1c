from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoansConfig(AppConfig):
    name = "xindai.loans"
    label = "loans"
    verbose_name = _("Loans")

    def ready(self) -> None:
        from xindai.loans import classification, customer_section, overview  # noqa: F401 - register checks, figures, sections
