"""`xindai serve`: the production web server — gunicorn with threaded workers, sized from
settings (WEB_WORKERS processes × WEB_THREADS threads), behind a reverse proxy.

gunicorn rather than granian: on these 2 cores, 2 processes × 6 threads each, the load run of
`make bench` (50 users, 1 s think time, the 100,000-loan book, 45 s, two rounds each, taking
turns) gave gunicorn 23.3 and 24.9 req/s (p95 2.5 s, 1.8 s) and granian 21.2 and 21.6 req/s
(p95 3.0 s, 2.3 s): the time is Django's and PostgreSQL's, not the server's, and gunicorn is pure
Python, restarts workers gracefully on SIGHUP, recycles them after WEB_MAX_REQUESTS and replaces a
worker stuck past WEB_TIMEOUT_S (README, Production).
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
