"""`xindai serve`: the production web server — gunicorn with threaded workers, sized from
settings (WEB_WORKERS processes × WEB_THREADS threads), behind a reverse proxy.

gunicorn rather than granian: measured on these 2 cores with the same load run both served the
list pages at the same speed within noise (the time is Django's, not the server's), and gunicorn
is pure Python with no binary of its own, restarts workers gracefully on SIGHUP, recycles them
after WEB_MAX_REQUESTS and kills a worker stuck past WEB_TIMEOUT_S (README, Production).
"""

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serves the web application with gunicorn (production)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=settings.WEB_BIND, help="HOST:PORT (default: WEB_BIND)")
        parser.add_argument("--workers", type=int, default=settings.WEB_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.WEB_THREADS)

    def handle(self, *args, bind, workers, threads, **options):
        from gunicorn.app.base import BaseApplication

        from xindai.wsgi import application

        config = {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": settings.WEB_TIMEOUT_S,
            "graceful_timeout": 20,
            "keepalive": 5,
            "max_requests": settings.WEB_MAX_REQUESTS,
            "max_requests_jitter": settings.WEB_MAX_REQUESTS // 10,
            "accesslog": "-" if settings.WEB_ACCESS_LOG else None,
            "errorlog": "-",
            "forwarded_allow_ips": settings.WEB_FORWARDED_ALLOW_IPS,
            "proc_name": "xindai",
        }

        class Server(BaseApplication):
            def load_config(self):
                for key, value in config.items():
                    if value is not None:
                        self.cfg.set(key, value)

            def load(self):
                return application

        Server().run()
