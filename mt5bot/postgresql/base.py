"""
Django's PostgreSQL backend, with a health check that costs no round trip
(`DATABASES["default"]["ENGINE"] = "mt5bot.postgresql"`).

With CONN_HEALTH_CHECKS, Django checks a kept connection at the first query
of each request by running `SELECT 1` on it. The webhook's lane keeps one
connection for the life of the process (mt5bot.handlers), so that was one
more round trip to the server in every alert (docs/performance.md §7).

An idle connection has nothing to read: the server speaks first only when
it is about to close it (a restart, `pg_terminate_backend`, an idle timeout)
or, rarely, with a notice. So the check here asks the operating system
whether the socket has anything to read, without waiting; only when it has,
or the driver already knows the connection broken, does it run Django's own
check, which then reads what came and closes the connection if it is gone.
A server that vanished without a word (a host switched off) would leave
`SELECT 1` waiting for TCP to give up just the same; the check never could
tell that case in time.

After an error Django still runs its full check (`is_usable`), unchanged.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus


def readable(fileno):
    """True when the socket has something to read (or was closed), found
    without waiting."""
    if hasattr(select, "poll"):  # POSIX: no limit on the descriptor's number
        poller = select.poll()
        poller.register(fileno, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    ready, _, _ = select.select([fileno], [], [], 0)  # Windows: sockets only
    return bool(ready)


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if (
            self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
        ):
            return
        if self.quietly_idle():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def quietly_idle(self):
        """True when the connection is open, outside a transaction, and the
        server has said nothing since its last answer."""
        raw = self.connection
        try:
            return (
                not raw.closed
                and not raw.broken
                and raw.info.transaction_status == TransactionStatus.IDLE
                and not readable(raw.fileno())
            )
        except Exception:  # the driver's own view failed: ask the server
            return False
