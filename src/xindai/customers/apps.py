from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "xindai.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from xindai.customers import overview  # noqa: F401 - registers the home-page figures
