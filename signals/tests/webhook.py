"""Helpers shared by the webhook test modules."""

import json

from django.conf import settings


def post(client, body, content_type="application/json", token=None, **extra):
    """POST to the webhook; str/bytes bodies go as-is, anything else as JSON."""
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(
        f"/webhook/{token or settings.WEBHOOK_TOKEN}",
        data,
        content_type=content_type,
        **extra,
    )


def order(**fields):
    """A BUY EURUSD 0.1 on account 1123456, with any field overridden."""
    return {
        "account_number": "1123456",
        "symbol": "EURUSD",
        "action": "BUY",
        "volume": 0.1,
        **fields,
    }
