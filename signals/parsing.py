"""
From the request body to a dict of alert fields, whatever the Content-Type
header claims: TradingView labels valid JSON application/json and everything
else text/plain, and other senders are less careful.
"""

import json
import re
from urllib.parse import parse_qsl

from ea import protocol
from signals.errors import PayloadError
from signals.pineconnector import looks_like_pineconnector, parse_pineconnector

# Traders paste the seed README's examples with their `// Close ...` lines.
LINE_COMMENT = re.compile(r'^\s*//[^\n]*$|(?<=[,{\[])\s*//[^\n"]*$', re.MULTILINE)


def nul_refused():
    return PayloadError(
        "invalid_character",
        "The alert holds a NUL character, which no field may contain.",
    )


def decode(body):
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PayloadError("invalid_encoding", "The body is not UTF-8 text.") from None


def parse_body(body, content_type=""):
    """Return (format, fields) or raise PayloadError."""
    if content_type.lower().startswith("multipart/"):
        # No alert format is multipart, and TradingView never sends it: say
        # so, rather than "unrecognised" after reading its parts as text.
        raise PayloadError(
            "unsupported_media_type",
            "multipart bodies are not read: send the alert as the body itself "
            "(JSON, a PineConnector line or a form).",
            status=415,
        )
    text = decode(body).strip()
    if "\x00" in text:
        raise nul_refused()
    if text.startswith("//"):
        text = LINE_COMMENT.sub("", text).strip()
    if not text:
        raise PayloadError("empty_body", "The alert message is empty.")
    if text[0] in "{[":
        return "json", parse_json(text)
    if looks_like_pineconnector(text):
        return "pineconnector", parse_pineconnector(text)
    if "=" in text and "form-urlencoded" in content_type.lower():
        return "form", dict(parse_qsl(text, keep_blank_values=True))
    raise PayloadError(
        "unrecognised_format",
        "Send a JSON object or a PineConnector line "
        "(<account>,<command>,<symbol>,...).",
    )


def parse_json(text):
    try:
        data = json.loads(text, **protocol.STRICT)
    except ValueError as exc:
        data = parse_json_with_comments(text, exc)
    except RecursionError:
        raise PayloadError("invalid_json", "The JSON nests too deeply.") from None
    if not isinstance(data, dict):
        raise PayloadError("invalid_json", "The alert must be one JSON object.")
    if "\\u" in text:
        refuse_unstorable_escapes(data)
    return data


def refuse_unstorable_escapes(data):
    """
    JSON may escape what no database stores: half of a UTF-16 pair ("\\ud800")
    or NUL ("\\u0000", which PostgreSQL text and jsonb refuse).
    """
    try:
        dumped = json.dumps(data, ensure_ascii=False)
        dumped.encode("utf-8")
    except UnicodeEncodeError:
        raise PayloadError(
            "invalid_json", "The JSON holds an unpaired surrogate escape."
        ) from None
    if "\\u0000" in dumped and holds_nul(data):
        raise nul_refused()


def holds_nul(value):
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


def parse_json_with_comments(text, original_error):
    stripped = LINE_COMMENT.sub("", text)
    if stripped != text:
        try:
            return json.loads(stripped, **protocol.STRICT)
        except ValueError:
            pass
    raise PayloadError("invalid_json", f"Invalid JSON: {original_error}") from None
