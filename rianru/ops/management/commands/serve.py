"""`rianru serve`: the production-like server (gunicorn, gthread workers, static files through whitenoise).

`--dev` runs Django's runserver instead, with the autoreloader and DEBUG on unless DJANGO_DEBUG is set.
"""

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _

from rianru.ops.health import first_line, pending_migrations, static_files_collected

# gthread workers: on the 2-core machines a city starts with, 2 processes of 4 threads each.
DEFAULT_THREADS = 4


def default_workers() -> int:
    return max(2, min(os.cpu_count() or 2, 8))


def start_search_indexer(worker) -> None:
    from rianru.search import indexer

    indexer.start_in_background()


def start_lrs_forwarder(worker) -> None:
    from rianru.lrs import forwarder as forwarding

    forwarding.start_in_background()


def start_background_jobs(worker) -> None:
    start_search_indexer(worker)
    start_lrs_forwarder(worker)


def access_logger(*, xapi_successes: bool):
    """gunicorn's access log; without xAPI requests answered below 400 unless `xapi_successes`.

    At hundreds of statements a second a line per statement is most of the log, and the store already
    records every statement with its time and credential. The lean xAPI handler marks its requests in the
    WSGI environ (`rianru.xapi`, see rianru/lrs/xapi/handler.py); errors are logged like every other
    request."""
    from gunicorn.glogging import Logger

    class AccessLogger(Logger):
        def access(self, resp, req, environ, request_time):
            if not xapi_successes and environ.get("rianru.xapi") and (resp.status_code or 500) < 400:
                return
            super().access(resp, req, environ, request_time)

    return AccessLogger


def bind_address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


class Command(BaseCommand):
    help = "Serve Rianru with gunicorn (gthread workers, access log to stdout); --dev uses runserver."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        parser.add_argument(
            "--workers", type=int, default=None, help="worker processes (default: one per core, 2 to 8)"
        )
        parser.add_argument(
            "--threads", type=int, default=DEFAULT_THREADS, help="threads per worker (default %(default)s)"
        )
        parser.add_argument(
            "--xapi-access-log",
            action="store_true",
            help="log every xAPI request (default: only the xAPI requests answered with an error)",
        )
        parser.add_argument("--dev", action="store_true", help="Django's runserver with autoreload")

    def handle(self, *args, host, port, workers, threads, dev, xapi_access_log=False, **options):
        if not 0 < port < 65536:
            raise CommandError(_("--port must be between 1 and 65535, not %(port)s.") % {"port": port})
        if dev:
            return self.serve_dev(host, port)
        if (workers is not None and workers < 1) or threads < 1:
            raise CommandError(_("--workers and --threads must be at least 1."))
        self.check(display_num_errors=False)
        self.ensure_static_files()
        self.warn_unapplied_migrations()
        self.ensure_search_index()
        return self.serve(
            bind_address(host, port), workers or default_workers(), threads, xapi_access_log=xapi_access_log
        )

    def serve_dev(self, host: str, port: int) -> None:
        # The autoreloader restarts this same command in a child process: it reads DJANGO_DEBUG afresh.
        os.environ.setdefault("DJANGO_DEBUG", "true")
        call_command("runserver", bind_address(host, port))

    def ensure_static_files(self) -> None:
        """Whitenoise serves STATIC_ROOT: collect it first if this is the first run."""
        if static_files_collected() is not False:
            return
        self.stdout.write(
            _("Collecting static files into %(path)s (first run) ...") % {"path": settings.STATIC_ROOT}
        )
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
        except (OSError, ValueError) as exc:
            raise CommandError(
                _(
                    "Static files could not be collected into %(path)s: %(error)s. "
                    "Set RIANRU_STATIC_ROOT to a writable folder or run `rianru collectstatic --noinput` "
                    "as a user who may write there."
                )
                % {"path": settings.STATIC_ROOT, "error": exc}
            ) from None

    def ensure_search_index(self) -> None:
        """Build the search index before the first request if it is missing or of an older kind."""
        from rianru.search import indexer

        try:
            if indexer.needs_rebuild():
                self.stdout.write(_("Building the search index (first run or new version) ..."))
                outcome = indexer.rebuild()
                self.stdout.write(
                    _("Search index built: %(count)s documents in %(seconds).1f s.")
                    % {"count": outcome.added, "seconds": outcome.seconds}
                )
        except Exception as exc:  # the pages still work; search answers 503 until it is built
            self.stderr.write(
                _("Warning: the search index could not be built (%(error)s). Run `rianru search rebuild`.")
                % {"error": first_line(exc)}
            )
        finally:
            connections.close_all()

    def warn_unapplied_migrations(self) -> None:
        try:
            plan = pending_migrations()
        except Exception as exc:  # the server may still start; `rianru check` gives the details
            self.stderr.write(
                _("Warning: could not read the database (%(error)s). Run `rianru check`.")
                % {"error": first_line(exc)}
            )
            return
        finally:
            connections.close_all()  # never share a connection with the forked workers
        if plan:
            self.stderr.write(
                self.style.WARNING(
                    _("Warning: %(count)s database migrations are not applied: run `rianru migrate`.")
                    % {"count": len(plan)}
                )
            )

    def serve(self, bind: str, workers: int, threads: int, *, xapi_access_log: bool = False) -> None:
        from gunicorn.app.base import BaseApplication

        options = {
            "bind": [bind],
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "accesslog": "-",
            "logger_class": access_logger(xapi_successes=xapi_access_log),
            "errorlog": "-",
            "timeout": 60,
            "graceful_timeout": 20,
            "keepalive": 5,
            # A worker is replaced after this many requests (a guard against slow leaks). Every restart
            # costs a new database connection and cold process caches: at 2,000 the LRS spent ~15 % more
            # CPU per statement under load (docs/benchmarks.md).
            "max_requests": 20000,
            "max_requests_jitter": 2000,
            "preload_app": True,
            "proc_name": "rianru",
            # Several servers (tests, staging next to production) must not fight over one control socket.
            "control_socket_disable": True,
            # One worker per machine keeps the search index in step with the database and forwards
            # statements to other LRSs (file locks; RIANRU_SEARCH_INDEXER / RIANRU_LRS_FORWARDER).
            "post_worker_init": start_background_jobs,
        }

        class Server(BaseApplication):
            def load_config(self):
                for key, value in options.items():
                    if key in self.cfg.settings:
                        self.cfg.set(key, value)

            def load(self):
                from config.wsgi import application

                return application

        self.stdout.write(
            _("Rianru on %(url)s (gunicorn, %(workers)s workers x %(threads)s threads); Ctrl-C stops it.")
            % {"url": f"http://{bind}/", "workers": workers, "threads": threads}
        )
        self.stdout.flush()
        Server().run()
