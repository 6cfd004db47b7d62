"""Log filters that keep personal data out of the access log."""

import logging
import re

# A request line or path under /api/ with a query string, e.g. "GET /api/v1/households/?q=An".
_API_QUERY = re.compile(r"(/api/[^\s?]*)\?\S*")


def redact(text: str) -> str:
    """Replace the query string of every /api/ path in `text` with '?…'."""
    return _API_QUERY.sub(r"\1?[redacted]", text)


class RedactApiQueryFilter(logging.Filter):
    """Redact /api/ query strings in a record's message and string arguments.

    Searches send names and citizen IDs in `q`; the path alone is enough to debug.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
