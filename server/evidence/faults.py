"""A crash switch for fault-injection tests: kill the process at a named point, once.

Inactive unless CHUNGTAY_TEST_CRASH is set, which only tests do. Its value is
`<point>@<token file>`: the first process to reach `<point>` while the token file
exists removes it and exits at once, without cleanup, as a SIGKILL would.
"""

import os

CRASH_ENV = "CHUNGTAY_TEST_CRASH"
CRASH_EXIT_STATUS = 70


def crash_point(name: str) -> None:
    """Exit here if a test armed this point and its token is still unclaimed."""
    armed = os.environ.get(CRASH_ENV)
    if not armed:
        return
    point, _, token = armed.partition("@")
    if point != name:
        return
    try:
        os.unlink(token)  # only one process can remove it: the crash happens once
    except FileNotFoundError:
        return
    os._exit(CRASH_EXIT_STATUS)
