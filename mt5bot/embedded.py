"""
The supervisor inside `manage.py serve` (the embedded mode of the quick start).

Its passes run on the webhook's own thread (`LaneASGIHandler.webhook_lane`),
one at a time between webhook requests. On SQLite that is the point: every
write of the process then goes through one connection on one thread, so the
webhook never waits on SQLite's busy handler because the supervisor is
writing. The wait between passes happens on the event loop, woken the moment
a webhook commits (`history.wake`).

Rejected alternative, measured with bench/bridge.py: `supervise` as a child
process of `serve`. It has a core of its own, but its writes then meet the
webhook's across processes, where SQLite's busy handler sleeps: webhook ->
file p99 went from 14 ms to 1.6 s and the 50-account fan-out from 63 ms to
213 ms.
"""

import asyncio
import logging

from asgiref.sync import SyncToAsync, sync_to_async

from accounts.supervisor import Worker
from history import wake

log = logging.getLogger("mt5bot.supervisor")


class EmbeddedSupervisor:
    def __init__(self, lane):
        self.lane = lane
        self.worker = Worker()
        self.task = None
        self.woken = None

    def start(self):
        """Called by daphne once it listens, on its event loop's thread."""
        self.task = asyncio.ensure_future(self.run())

    async def run(self):
        try:
            await self.loop()
        except Exception:
            log.exception("the embedded supervisor stopped on an error")
            raise

    async def loop(self):
        SyncToAsync.thread_sensitive_context.set(self.lane)
        loop = asyncio.get_running_loop()
        self.woken = asyncio.Event()
        wake.subscribe(lambda: loop.call_soon_threadsafe(self.woken.set))
        await sync_to_async(self.worker.start)()
        woken = True
        while not self.worker.shutdown:
            await sync_to_async(self.worker.run_pass)(woken=woken)
            woken = await self.wait()

    async def wait(self):
        try:
            await asyncio.wait_for(self.woken.wait(), self.worker.poll)
        except TimeoutError:
            return False
        self.woken.clear()
        return True

    def stop(self):
        """After the server stopped: stop terminals in order (blocking)."""
        self.worker.shutdown = True
        wake.subscribe(None)
        self.worker.stop()
