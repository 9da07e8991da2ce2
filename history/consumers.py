"""
The pages' websocket: a snapshot on connect, then every live update.

A page passes its cursor (`?since=`, the server time of the last update it
saw); the snapshot then holds every row that changed after it, so a page that
reconnects after a restart or a lost connection misses nothing.
"""

import asyncio
from datetime import UTC
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from history import live, rows
from mt5bot import roles

# Refused before the handshake completes (the browser sees a failed
# connection; the page then checks its session and goes to the login page).
UNAUTHORIZED = 4401
# What the feed carries: every account's row and every alert.
FEED = (roles.SEES_ACCOUNTS, roles.SEES_HISTORY)


def parse_since(query_string):
    values = parse_qs(query_string.decode("latin-1")).get("since") or [""]
    try:
        moment = parse_datetime(values[0])
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


def access(user):
    """None when `user` may not follow the feed, else the level of the
    account rows' controls it may see (history.rows.LEVELS)."""
    if user is None or not user.is_authenticated or not user.has_perms(FEED):
        return None
    return rows.access_level(rows.account_access(user))


def tailored(message, level):
    """`message` with each account row's HTML the one for `level`. A copy:
    the channel layer may hand the same message to every page's consumer."""
    if "accounts" not in message:
        return message
    accounts = []
    for row in message["accounts"]:
        row = dict(row)
        variants = row.pop("html_for", {})
        if level in variants:
            row["html"] = variants[level]
        accounts.append(row)
    return {**message, "accounts": accounts}


class LiveConsumer(AsyncJsonWebsocketConsumer):
    joined = False
    present = None
    level = ""

    async def connect(self):
        level = await database_sync_to_async(access)(self.scope.get("user"))
        if level is None:
            await self.close(code=UNAUTHORIZED)
            return
        self.level = level
        # Marked present and joined before the snapshot is read: an update
        # committed meanwhile is sent, and arrives after the snapshot (this
        # consumer handles one message at a time).
        await live.mark_present()
        self.present = asyncio.create_task(live.keep_present())
        await self.channel_layer.group_add(live.GROUP, self.channel_name)
        self.joined = True
        live.sender.attach(asyncio.get_running_loop())
        await self.accept()
        since = parse_since(self.scope.get("query_string", b""))
        snapshot = await database_sync_to_async(rows.snapshot)(since)
        await self.send_json(tailored(snapshot, self.level))

    async def disconnect(self, code):
        if self.present is not None:
            self.present.cancel()
            self.present = None
        if self.joined:
            self.joined = False
            live.sender.detach()
            await self.channel_layer.group_discard(live.GROUP, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """Pages only listen."""

    async def live_event(self, event):
        await self.send_json(tailored(event["data"], self.level))
