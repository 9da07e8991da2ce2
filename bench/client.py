"""The load generator's HTTP client: one request per fresh connection, as
TradingView connects, on a raw socket so the client costs little CPU."""

import socket
import time

from bench.kit import HOST

TIMEOUT = 30.0


def request_bytes(method, path, port, body):
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
    head += "Content-Type: application/json\r\nConnection: close\r\n"
    return f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body


def read_response(sock):
    chunks = []
    for _ in range(10_000):  # bounded; "Connection: close" ends every answer
        chunk = sock.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def status_of(data):  # "HTTP/1.1 200 OK": the status is bytes 9 to 12
    return int(data[9:12]) if data[9:12].isdigit() else 0


def one_request(port, path, body, method="POST", timeout=TIMEOUT):
    """One request on a fresh connection: (seconds, status, raw response)."""
    payload = request_bytes(method, path, port, body)
    start = time.perf_counter()
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            sock.sendall(payload)
            data = read_response(sock)
    except OSError:
        return time.perf_counter() - start, 0, b""
    return time.perf_counter() - start, status_of(data), data
