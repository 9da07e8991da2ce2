"""The "bare daphne floor": the least an ASGI app can do for a webhook.

Reads the whole body, parses it as JSON and answers 200 {"status":"ok"} (400 if
the body is not JSON). Served by bench/webhook.py with
`python -m daphne -v 0 -b 127.0.0.1 -p PORT bench.bare_asgi:application`.
"""

import json

OK = b'{"status":"ok"}'
BAD = b'{"status":"bad json"}'


async def read_body(receive):
    chunks = []
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


async def answer(send, status, body):
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def application(scope, receive, send):
    if scope["type"] != "http":
        return
    body = await read_body(receive)
    if body is None:
        return
    try:
        json.loads(body)
    except ValueError:
        await answer(send, 400, BAD)
        return
    await answer(send, 200, OK)
