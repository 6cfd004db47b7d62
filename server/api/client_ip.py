"""The client's address, trusting X-Forwarded-For only from configured proxies."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the address the nearest untrusted hop connected from.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of X-Forwarded-For
    was appended by the outermost trusted proxy; anything left of it is client-supplied
    and ignored. With n = 0 the header is ignored entirely. The rule matches DRF's
    NUM_PROXIES, so throttles and the lockout count the same address.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if count == 0 or not forwarded:
        return remote
    hops = [hop.strip() for hop in str(forwarded).split(",") if hop.strip()]
    if not hops:
        return remote
    return hops[-min(count, len(hops))]
