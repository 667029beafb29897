"""The WSGI application for gunicorn (`cscperf serve` starts it; or `gunicorn cscperf.web.wsgi`)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cscperf.web.settings")
application = get_wsgi_application()
