"""What the paper terminal keeps on disk, and in which order it writes it.

- webhook_executed.txt: ids the terminal began to execute (PROTOCOL.md 3, step 6).
- paper_state.json: the broker (account, positions, orders, tickets, the price
  feed), replaced atomically after every command that sent a request.
- paper_journal.jsonl: one line per trade request sent, with its answer.

A crash between two writes must leave them agreeing. The state therefore
carries the journal lines of its last command (`journal_tail`): they are
written to the state first and appended to the journal second, and a restart
appends whichever of them the journal lacks. A trade is thus in both files or,
when the state was not yet saved, in neither (the broker never made it).
"""

import json
import os
from pathlib import Path

from ea import protocol

STATE = "paper_state.json"
JOURNAL = "paper_journal.jsonl"
STATE_VERSION = 1


def _append_synced(path, text):
    with open(path, "a", encoding="ascii", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


class ExecutedIds:
    """The executed-id memory: a set in memory, an append-only file on disk.

    Membership also reads what was appended since the last look: with one
    terminal per folder (guard.py) only we append, but an id another writer
    claimed must never run here on the strength of memory alone."""

    def __init__(self, folder):
        self.path = Path(folder) / protocol.EXECUTED
        self.ids = set()
        self.read = 0  # bytes of the file already in `ids`
        if self.path.exists():
            data = self.path.read_bytes()
            self._take(data, whole=True)
            # A crash mid-append leaves a line without its end; the next id
            # must not be glued to it.
            if data and not data.endswith(b"\n"):
                _append_synced(self.path, "\n")
                self.read += 1

    def __contains__(self, command_id):
        if command_id in self.ids:
            return True
        self._read_new()
        return command_id in self.ids

    def add(self, command_id):
        """Remember `command_id` durably, before anything is sent for it."""
        _append_synced(self.path, command_id + "\n")
        self.ids.add(command_id)

    def _read_new(self):
        try:
            with open(self.path, "rb") as handle:
                if handle.seek(0, os.SEEK_END) < self.read:
                    self.read = 0  # replaced by a shorter file: read it all
                handle.seek(self.read)
                data = handle.read()
        except FileNotFoundError:
            return
        self._take(data, whole=False)

    def _take(self, data, whole):
        """Ids of `data`; a last line without its end only when `whole`
        (otherwise another writer is mid-append: read it next time)."""
        end = len(data) if whole else data.rfind(b"\n") + 1
        text = data[:end].decode("ascii", errors="replace")
        self.ids.update(line.strip() for line in text.splitlines() if line.strip())
        self.read += end


class Journal:
    def __init__(self, folder):
        self.path = Path(folder) / JOURNAL
        self.last_seq = self._read_last_seq()

    def _read_last_seq(self):
        last = 0
        if not self.path.exists():
            return last
        with open(self.path, encoding="ascii", errors="replace") as handle:
            for line in handle:
                try:
                    last = max(last, int(json.loads(line)["jseq"]))
                except (ValueError, KeyError, TypeError):
                    continue  # a torn last line from a crash: its copy is in the state
        return last

    def lines_for(self, command, sent, now):
        """Journal lines for the requests one command sent; numbered here,
        written by `append` after the state that contains their effect."""
        lines = []
        for n, (request, result) in enumerate(sent, start=1):
            self.last_seq += 1
            line = journal_line(self.last_seq, command, n, request, result, now)
            lines.append(line)
        return lines

    def append(self, lines):
        if lines:
            _append_synced(
                self.path, "".join(json.dumps(line) + "\n" for line in lines)
            )

    def recover(self, tail):
        """Append the lines of `tail` (from the state) the journal lacks."""
        missing = [line for line in tail if line["jseq"] > self.last_seq]
        self.append(missing)
        self.last_seq = max([self.last_seq, *(line["jseq"] for line in tail)])
        return missing


def journal_line(jseq, command, n, request, result, now):
    """One request: `n` numbers the requests of one command (CLOSE_ALL sends
    several), so a command executed twice shows as a repeated (id, n).
    `action` is the command's, `request` the trade action it sent."""
    return {
        "jseq": jseq,
        "id": command["id"],
        "n": n,
        "action": command["action"],
        "request": request["action"],
        "type": request.get("type"),
        "symbol": request.get("symbol"),
        "retcode": result["retcode"],
        "ticket": result["position"] or result["order"] or None,
        "order": result["order"] or None,
        "deal": result["deal"] or None,
        "volume": result["volume"] or request.get("volume"),
        "price": result["price"] or request.get("price"),
        "sl": request.get("sl"),
        "tp": request.get("tp"),
        "type_filling": request.get("type_filling"),
        "type_time": request.get("type_time"),
        "expiration": request.get("expiration"),
        "message": result["comment"],
        "time": now,
    }


class Store:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.path = self.folder / STATE

    def load(self):
        """The saved state, or None on a first start."""
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        data = json.loads(text)
        if data.get("version") != STATE_VERSION:
            raise ValueError(
                f"{self.path}: unknown state version {data.get('version')!r}"
            )
        return data

    def save(self, login, broker, market, journal_tail):
        data = {
            "version": STATE_VERSION,
            "login": login,
            "broker": broker.snapshot(),
            "market": market.snapshot(),
            "journal_tail": journal_tail,
        }
        protocol.write_atomic(self.folder, STATE, data, fsync=True)
