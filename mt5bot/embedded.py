"""
The supervisor inside `manage.py serve` (the embedded mode of the quick start).

Its passes run on the webhook's own thread (`LaneASGIHandler.webhook_lane`),
one at a time between webhook requests. On SQLite that is the point: every
write of the process then goes through one connection on one thread, so the
webhook never waits on SQLite's busy handler because the supervisor is
writing. The wait between passes happens on the event loop, woken the moment
a webhook commits (`accounts.bridge.wake`).

The alternative, `supervise` in a process of its own (what `serve --workers
N` runs), has a core of its own, but its writes meet the webhook's across
processes. Under SQLite's own busy handler that measured webhook -> file p99
1.6 s instead of 14 ms; with the write lock of mt5bot.sqlite it is close to
this (bench/bridge.py, one session: file p50 4.6 vs 4.2 ms, p99 9.3 vs 7.2 ms,
50-account fan-out p50 19 vs 15 ms), still a little slower and one more
process to run.
"""

import asyncio
import logging

from asgiref.sync import SyncToAsync, sync_to_async

from accounts.bridge import wake
from accounts.bridge.supervisor import Worker

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
        self.worker.on_news = lambda: loop.call_soon_threadsafe(self.woken.set)
        await sync_to_async(self.worker.start)()
        woken = True
        while not self.worker.shutdown:
            await sync_to_async(self.worker.run_pass)(woken=woken)
            woken = await self.wait()

    async def wait(self):
        try:
            await asyncio.wait_for(self.woken.wait(), self.worker.pause())
        except TimeoutError:
            return False
        self.woken.clear()
        return True

    def stop(self):
        """After the server stopped: stop terminals in order (blocking)."""
        self.worker.shutdown = True
        wake.subscribe(None)
        self.worker.stop()
