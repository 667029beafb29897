"""Run the service under gunicorn (threads in each worker process), with the figures computed before the
workers start, so the first dashboard after start is as fast as any other."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from cscperf.web.wsgi import application

        return application


def warm() -> None:
    """Compute each council's dashboard for its latest month (the page most people open first)."""
    from django.db import connections

    from cscperf.web.warm import warm_dashboards

    try:
        warm_dashboards()
    finally:
        connections.close_all()  # never share a database connection with the forked workers


def run_server(host: str, port: int, *, workers: int, threads: int, on_ready: Callable[[str], None]) -> None:
    warm()
    url = f"http://{host}:{port}/"

    def when_ready(server: Any) -> None:
        # the indicator pages, computed in the background into the cache the workers share
        server.cscperf_warm = subprocess.Popen([sys.executable, "-m", "cscperf.web.warm"], stdin=subprocess.DEVNULL)
        on_ready(url)

    def on_exit(server: Any) -> None:
        warming = getattr(server, "cscperf_warm", None)
        if warming is not None and warming.poll() is None:
            warming.terminate()
            warming.wait(timeout=10)

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": 300,  # a PDF report takes a while
        "graceful_timeout": 20,
        "keepalive": 30,  # keep connections from the proxy (and browsers) open between pages
        "preload_app": True,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',  # no query string, no referrer
        "limit_request_line": 4094,
        "when_ready": when_ready,
        "on_exit": on_exit,
        "proc_name": "cscperf-web",
    }
    _Gunicorn(options).run()
