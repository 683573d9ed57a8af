"""The address of the person making a request, as lockouts and the audit log see it."""

import ipaddress

from django.conf import settings


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's IP address behind `settings.PROXY_COUNT` proxies.

    Each proxy appends the address it received the request from to X-Forwarded-For, so with N
    proxies the client is the Nth entry from the right; entries further left were written by the
    client and prove nothing. With no proxy the header is ignored altogether (anyone can send it)
    and the connection's address is the client's. A header shorter than the proxy chain, or an
    entry that is not an address, falls back to the connection's address.
    """
    if request is None:
        return None
    remote = _valid(request.META.get("REMOTE_ADDR") or "")
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [entry for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if entry.strip()]
    if len(forwarded) < proxies:
        return remote
    return _valid(forwarded[-proxies]) or remote
