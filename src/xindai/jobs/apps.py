from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "xindai.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from django.core import checks
        from django.utils.module_loading import autodiscover_modules

        from xindai.jobs.health import check_worker

        checks.register(check_worker, checks.Tags.database)
        autodiscover_modules("jobs")  # each app's jobs.py registers its kinds
