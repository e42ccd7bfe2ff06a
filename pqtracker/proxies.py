"""The client's address, as seen through the reverse proxies we run.

Behind a proxy, ``REMOTE_ADDR`` is the proxy. Each proxy appends the address
it received the request from to ``X-Forwarded-For``, so with N proxies of ours
in front of the application the client's address is the N-th entry from the
right; entries further left were sent by the client itself and cannot be
trusted. ``TRUSTED_PROXY_COUNT`` says how many proxies there are (0: none, use
``REMOTE_ADDR``). django-axes locks sign-ins out per address with this.
"""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        logger.warning(
            "X-Forwarded-For has %d addresses but TRUSTED_PROXY_COUNT is %d; "
            "using the connecting address.",
            len(forwarded),
            count,
        )
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        logger.warning("X-Forwarded-For entry %r is not an address.", candidate)
        return remote
