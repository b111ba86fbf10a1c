from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "xindai.messaging"
    label = "messaging"
    verbose_name = _("SMS and voice")

    def ready(self) -> None:
        from django.core import checks

        from xindai.messaging import customer_section, gateway, overview  # noqa: F401 - register section, card, sender
        from xindai.messaging.backends.config import check_sms_settings

        checks.register(check_sms_settings)
