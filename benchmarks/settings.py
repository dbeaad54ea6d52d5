"""Production settings for the HTTP benchmarks (api, rush), served by gunicorn on loopback.

What differs from a production deployment, and why:
- plain HTTP on 127.0.0.1 (no TLS proxy in front): no HTTPS redirect, cookies not `Secure`;
- the API throttle's budget is raised to 100,000 requests a second per caller, so that the
  benchmark measures the API, not the 1,000-an-hour limit; the throttle itself still runs
  (its cache round trip is part of every request, as in production);
- the bare ceiling views of benchmarks/urls.py, which production never serves.
"""

import os
import secrets

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

from aspire.settings import *  # noqa: E402,F403
from aspire.settings import REST_FRAMEWORK  # noqa: E402

ROOT_URLCONF = "benchmarks.urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"caller": "100000/s"}}
