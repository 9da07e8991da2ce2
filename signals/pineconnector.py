"""
PineConnector-style text alerts: `<account>,<command>,<symbol>,key=value,...`.

Supported: every command in `signals.vocabulary.ACTIONS` (PineConnector's buy,
sell, buylimit, selllimit, buystop, sellstop, closelong, closeshort,
closelongshort, closeall, cancellong, cancelshort, newsltplong, newsltpshort,
closelongbuy, closeshortsell and their aliases) and the keys `risk`, `sl`,
`tp`, `price`, `comment`, `ticket`, `id`. `risk` is lots or a percentage, and
`sl`/`tp` pips or prices, as PINECONNECTOR_RISK and PINECONNECTOR_SLTP say.
Any other key is refused: each one is a trading instruction we would otherwise
silently drop.
"""

from django.conf import settings

from signals.errors import PayloadError

SIMPLE_KEYS = {"price": "price", "comment": "comment", "ticket": "ticket", "id": "id"}


def looks_like_pineconnector(text):
    head = text.split(",", 1)[0].strip()
    return "," in text and (head.isdigit() or head.lower() == "all")


def split_fields(text):
    """Split on commas outside double quotes: comment="a, b" stays whole."""
    parts, current, quoted = [], [], False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == "," and not quoted:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    if quoted:
        raise PayloadError("invalid_format", "Unbalanced quote in the alert.", None)
    parts.append("".join(current).strip())
    return parts


def parse_pineconnector(text):
    parts = split_fields(text.strip())
    if len(parts) < 2:
        raise PayloadError(
            "invalid_format", "Expected <account>,<command>,<symbol>,...", None
        )
    fields = {"accounts": parts[0], "action": parts[1]}
    rest = parts[2:]
    if rest and "=" not in rest[0]:
        fields["symbol"] = rest.pop(0)
    for part in rest:
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise PayloadError(
                "invalid_format", f"Expected key=value, got {part[:40]!r}.", None
            )
        read_key(fields, key.strip().lower(), value.strip().strip('"'))
    return fields


def read_key(fields, key, value):
    if key in SIMPLE_KEYS:
        fields[SIMPLE_KEYS[key]] = value
    elif key == "risk":
        percent = settings.PINECONNECTOR_RISK == "percent"
        fields["risk_percent" if percent else "volume"] = value
    elif key in ("sl", "tp"):
        prices = settings.PINECONNECTOR_SLTP == "price"
        name = (
            {"sl": "stop_loss", "tp": "take_profit"}[key] if prices else f"{key}_pips"
        )
        fields[name] = value
    else:
        raise PayloadError(
            "unsupported_key",
            f"PineConnector key {key!r} is not supported; the alert was not run.",
            key[:50],
        )
