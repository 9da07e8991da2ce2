"""The bridge's floor: the simplest honest webhook-to-file bridge, inline.

On POST /webhook/<token>, it parses the alert and, for each account it names
(`account_number`, or the list `accounts`), writes a command file straight
into <MT5_INSTANCES_DIR>/<login>/MQL5/Files before answering: atomically
(ea/protocol.py's write_atomic, a temporary file renamed into place) and in
the shape our server writes (ea/PROTOCOL.md §3), so the paper terminal on
that folder runs it as it runs ours. No database, no queue, no supervisor,
no rate limit, no dedupe: what our server does beyond this is what the
ratios of bench/bridge.py weigh. It answers 200 with each command's id.

Served by bench/bridge.py with
`python -m daphne -v 0 -b 127.0.0.1 -p PORT bench.bare_bridge:application`
(WEBHOOK_TOKEN and MT5_INSTANCES_DIR from the environment).
"""

import itertools
import json
import os
import time
import uuid
from pathlib import Path

from bench.bare_asgi import answer, read_body
from ea import protocol

TOKEN = os.environ.get("WEBHOOK_TOKEN", "")
ROOT = Path(os.environ.get("MT5_INSTANCES_DIR", "instances"))
TTL = 30.0  # seconds, as COMMAND_TTL's default
MAGIC = 20250929  # an account's default magic number (accounts/models.py)
MAX_ORDER_VOLUME = 100.0  # MAX_ORDER_VOLUME's default
OPENING = ("BUY", "SELL")
sequence = itertools.count(1)


def command(alert, login, now):
    action = str(alert.get("action", "")).upper()
    symbol = str(alert.get("symbol", ""))
    data = {
        "protocol": protocol.VERSION,
        "id": uuid.uuid4().hex,
        "seq": next(sequence),
        "account": protocol.check_login(str(login)),
        "timestamp": now,
        "expires_at": now + TTL,
        "action": action,
        "order_type": "market",
        "symbol": symbol,
        "original_symbol": symbol,
    }
    data.update(dict.fromkeys(protocol.NUMBER_FIELDS))
    data["volume"] = float(alert["volume"]) if alert.get("volume") else None
    data.update(ticket=None, close_first="", include_manual=False, magic=MAGIC)
    data.update(comment="", max_volume=MAX_ORDER_VOLUME if action in OPENING else None)
    return data


def write(alert):
    """Every command of `alert`, in place; [(login, command id)]."""
    logins = alert.get("accounts") or [alert.get("account_number")]
    now = time.time()
    written = []
    for login in logins:
        data = command(alert, login, now)
        name = protocol.command_name(data["seq"], data["id"])
        protocol.write_atomic(protocol.files_dir(ROOT, data["account"]), name, data)
        written.append((data["account"], data["id"]))
    return written


async def application(scope, receive, send):
    if scope["type"] != "http":
        return
    body = await read_body(receive)
    if body is None:
        return
    if not TOKEN or scope["path"] != f"/webhook/{TOKEN}":
        await answer(send, 401, b'{"status":"unauthorized"}')
        return
    try:
        written = write(json.loads(body))
    except (ValueError, TypeError, KeyError, protocol.ProtocolError):
        await answer(send, 400, b'{"status":"bad alert"}')
        return
    accounts = [{"login": a, "command": i, "status": "queued"} for a, i in written]
    reply = {"status": "accepted", "accounts": accounts}
    await answer(send, 200, json.dumps(reply).encode())
