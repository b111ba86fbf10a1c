from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepaymentsConfig(AppConfig):
    name = "xindai.repayments"
    label = "repayments"
    verbose_name = _("Repayments")

    def ready(self) -> None:
        from xindai.repayments import customer_section, history, loan_section  # noqa: F401 - register sections, history
