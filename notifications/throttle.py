"""
At most one message per alert and window, and the rest summed up.

The first alert of a kind and key goes out at once (the trader hears about an
account going offline now, not at the end of a window). Its twins within the
window are only counted; when the window ends with some counted, one summary
("and 999 more like it") goes out and opens the next window. So a flood of any
length costs one message per window per key, and nothing is silently lost.
Pure: the caller passes the clock, which keeps the tests exact.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Message:
    kind: str
    key: str
    subject: str
    body: str
    repeats: int = 0


@dataclass(slots=True)
class Slot:
    opened: float
    repeats: int = 0
    latest: object = None  # the newest held-back event, summed up at the end


def summary(event, repeats, window):
    subject = f"{event.subject} (and {repeats} more like it)"
    body = (
        f"{event.body}\n\n"
        f"This alert came {repeats} more times within {window:g} seconds; "
        "the first was sent then, this is the newest of the rest."
    )
    return Message(event.kind, event.key, subject[:200], body, repeats)


class Throttle:
    def __init__(self, window):
        self.window = window
        self.slots = {}  # (kind, key) -> Slot

    def admit(self, event, now):
        """The message to send for `event` now, or None when held back."""
        ident = (event.kind, event.key)
        slot = self.slots.get(ident)
        if slot is None or now - slot.opened >= self.window:
            # A slot past its window with repeats is summed up by `due`,
            # which the caller runs first.
            self.slots[ident] = Slot(now)
            return Message(event.kind, event.key, event.subject, event.body)
        slot.repeats += 1
        slot.latest = event
        return None

    def hold(self, event):
        """Count `event`, which `admit` let through, as a repeat after all:
        another process sent its twin within the window."""
        slot = self.slots[(event.kind, event.key)]
        slot.repeats += 1
        slot.latest = event

    def due(self, now):
        """Summaries of the windows that ended by `now`; quiet slots are dropped."""
        messages = []
        for ident, slot in list(self.slots.items()):
            if now - slot.opened < self.window:
                continue
            if slot.repeats:
                messages.append(summary(slot.latest, slot.repeats, self.window))
                self.slots[ident] = Slot(now)
            else:
                del self.slots[ident]
        return messages

    def next_due(self):
        """When the earliest window ends (in the caller's clock), or None."""
        return min((s.opened + self.window for s in self.slots.values()), default=None)
