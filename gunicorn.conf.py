"""gunicorn's settings, read from the environment (gunicorn reads this file from the folder
it starts in): production (Dockerfile, docker-compose.yml) and the HTTP benchmarks
(benchmarks/server.py) start the same server.

Threads rather than more processes: a request spends much of its time waiting for
PostgreSQL (each query, the commit's flush), and threads of one process fill those waits
with other requests at a fraction of a process's memory; with sync workers 200 hand-ins
at the deadline queued two at a time. Each worker's connection pool holds one connection
per thread (aspire/settings.py reads WEB_THREADS too).
"""

import os

wsgi_app = "aspire.wsgi:application"
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "3"))
threads = int(os.environ.get("WEB_THREADS", "4"))
