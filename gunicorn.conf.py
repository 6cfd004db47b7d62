"""gunicorn settings read from the working directory.

The access log records the path without its query string or referrer: searches
(`?q=` a person's name) and other personal data must not reach the logs.
"""

access_log_format = '%(h)s %(l)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)ss'
