"""gunicorn settings of the documented deployment (``gunicorn -c gunicorn.conf.py imigrasi.wsgi``).

Each worker freezes what it loaded at start (Django, the URL map, the serializers' classes) out of
the garbage collector's reach: a full collection walked those objects every hundred requests or
so, which made the slowest requests (about 58 ms each time).

The access log names the path, never the query string nor the referrer: searches carry NIKs,
passport numbers and names (``?q=…``), which have no place in a log kept outside the database.
"""

import gc
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
accesslog = "-"
# Client, time, method, path without the query, protocol, status, size, duration (µs).
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)s'


def post_worker_init(worker) -> None:
    gc.freeze()
