from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "xindai.credit"
    label = "credit"
    verbose_name = _("Credit operations")

    def ready(self) -> None:
        from xindai.core import approval
        from xindai.credit import approvals, kinds, overview, restructure  # noqa: F401 - kinds and cards register
        from xindai.loans import classification

        approval.register(policy=approvals.requires_approval, submit=approvals.approval_request_create)
        classification.CATEGORY_FLOORS.append(restructure.watch_floor)
