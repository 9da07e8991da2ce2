"""Who sent a request: the client address behind trusted proxies, and the allowlist."""

import ipaddress
from functools import lru_cache

from django.conf import settings

# tradingview.com/support/solutions/43000529348
PRESETS = {
    "tradingview": [
        "52.89.214.238/32",
        "34.212.75.30/32",
        "54.218.53.128/32",
        "52.32.178.7/32",
    ],
}


def parse_networks(entries):
    """["tradingview", "10.0.0.0/8", "1.2.3.4"] -> a tuple of networks."""
    networks = []
    for entry in entries:
        entry = entry.strip()
        if not entry:
            continue
        for item in PRESETS.get(entry.lower(), [entry]):
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or CIDR") from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _networks(entries):
    return parse_networks(entries)


def networks_from(setting_name):
    return _networks(tuple(getattr(settings, setting_name)))


def parse_ip(text):
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except (ValueError, AttributeError):
        return None
    return getattr(address, "ipv4_mapped", None) or address


def contains(networks, address):
    return address is not None and any(address in net for net in networks)


def meta_key(header):
    """X-Forwarded-For -> HTTP_X_FORWARDED_FOR, as Django files it in META."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_ip(request):
    """The sender's address, one rule for the webhook's allowlist and rate
    limit and the login throttle. FORWARDED_IP_HEADER counts only when the
    connection itself comes from a trusted proxy, and no other header ever
    does: believing a second one (CF-Connecting-IP behind an nginx that does
    not clear it) let a client pick its own address. The header is read as
    X-Forwarded-For is, from the right, skipping our own proxies, so what a
    client put in front of the proxy's entry never counts."""
    trusted = networks_from("TRUSTED_PROXIES")
    peer = parse_ip(request.META.get("REMOTE_ADDR", ""))
    header = settings.FORWARDED_IP_HEADER
    if not header or not contains(trusted, peer):
        return peer
    hops = request.META.get(meta_key(header), "").split(",")
    for hop in reversed(hops):
        address = parse_ip(hop)
        if address is None:
            break
        if not contains(trusted, address):
            return address
        peer = address
    return peer


def ip_allowed(address):
    allowed = networks_from("WEBHOOK_ALLOWED_IPS")
    return not allowed or contains(allowed, address)
