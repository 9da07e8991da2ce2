"""
The history pages: every Signal, newest first, with its per-account Commands;
filtered, paginated, exported as CSV and cleared of finished history. The rows
themselves are built in history/rows.py, as the live updates build them.
"""

import csv
import io
import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.validators import validate_login
from history import live
from history.models import (
    FINAL_STATUSES,
    Clearing,
    Command,
    Outcome,
    Signal,
    Status,
    number,
)
from history.rows import signal_row, stamp, with_commands
from mt5bot import roles

PAGE_SIZE = 50
PENDING = [s for s in Status.values if s not in FINAL_STATUSES]
STATUS_CHOICES = [
    ("", "any status"),
    ("Alert", [(Outcome.ACCEPTED, "accepted"), (Outcome.DUPLICATE, "duplicate"),
               (Outcome.REFUSED, "refused")]),
    ("Order", [(s, s) for s in Status.values if s != Status.RECEIVED]),
]  # fmt: skip


class HistoryFilter(forms.Form):
    account = forms.CharField(required=False, validators=[validate_login])
    status = forms.ChoiceField(required=False, choices=STATUS_CHOICES)
    symbol = forms.CharField(required=False, max_length=64)
    since = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    until = forms.DateTimeField(
        required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def apply(self, signals):
        """The Signals that match; an invalid filter matches nothing."""
        if not self.is_valid():
            return signals.none()
        data = self.cleaned_data
        if data["since"]:
            signals = signals.filter(received_at__gte=data["since"])
        if data["until"]:
            signals = signals.filter(received_at__lt=data["until"])
        status = data["status"]
        # An alert is refused, an order rejected: one word for each.
        if status in Outcome.values:
            signals = signals.filter(outcome=status)
        commands = self.command_filter(status)
        if commands:
            matching = Command.objects.filter(commands).values("signal_id")
            signals = signals.filter(pk__in=matching)
        return signals

    def command_filter(self, status):
        """One Q over a single Command: 'account X *and* status Y' means the
        same command, not one command of X and another with Y."""
        data, query = self.cleaned_data, Q()
        if data["account"]:
            query &= Q(account_login=data["account"])
        if status in Status.values:
            query &= Q(status=status)
        if data["symbol"]:
            symbol = data["symbol"].strip()
            query &= Q(symbol__iexact=symbol) | Q(original_symbol__iexact=symbol)
        return query

    @property
    def active(self):
        return self.is_valid() and any(self.cleaned_data.values())


# --- views ----------------------------------------------------------------------


@roles.page_requires(roles.SEES_HISTORY)
def history(request):
    query = HistoryFilter(request.GET or None)
    signals = with_commands(Signal.objects.current())
    if query.is_bound:
        signals = query.apply(signals)
    page = Paginator(signals, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "history/history.html",
        {
            "filter": query,
            "page": page,
            "rows": [signal_row(s) for s in page],
            "params": params.urlencode(),
            # New alerts slide in only where they belong: the first page of
            # the whole history. Elsewhere the page says how many arrived.
            "live_insert": page.number == 1 and not query.active,
            "cursor": stamp(timezone.now()),
            "time_zone": settings.TIME_ZONE,
            "can_clear": request.user.has_perm(roles.CLEARS_HISTORY),
        },
        status=400 if query.is_bound and not query.is_valid() else 200,
    )


@roles.page_requires(roles.SEES_HISTORY, roles.CLEARS_HISTORY)
@require_POST
def clear(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Nothing cleared: confirm first.")
        return redirect("history")
    clearing, removed = clear_finished(request.user)
    live.signals_removed(removed)
    messages.success(
        request,
        f"Cleared {clearing.signals} finished alerts from these pages (archived, "
        "with a record of this clearing); pending ones are kept.",
    )
    return redirect("history")


CLEARED = "every finished alert (all its orders final)"


def clear_finished(user):
    """Archive every shown Signal whose commands are all final: the pages and
    the API's lists forget it, the row and its commands stay (the admin shows
    them) and a Clearing says who did it, when, and how much. A pending
    Command and its Signal always stay. Returns the Clearing and the ids."""
    with transaction.atomic():
        finished = Signal.objects.current().exclude(commands__status__in=PENDING)
        ids = list(finished.values_list("pk", flat=True))
        clearing = Clearing.objects.create(
            user=user,
            username=user.get_username(),
            scope=CLEARED,
            signals=len(ids),
            commands=Command.objects.filter(signal__in=finished).count(),
        )
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            Signal.objects.filter(pk__in=chunk).update(clearing=clearing)
    return clearing, ids


CSV_HEADER = [
    "signal", "received_at", "outcome", "rejection_code", "rejection_reason",
    "command", "account", "action", "order_type", "symbol", "original_symbol",
    "symbol_match", "volume", "status", "status_code", "status_reason",
    "queued_at", "delivered_at", "finished_at", "fill_price", "filled_volume",
    "ticket", "retcode",
]  # fmt: skip


def csv_lines(signal):
    head = [signal.pk, stamp(signal.received_at), signal.outcome,
            signal.rejection_code, signal.rejection_reason]  # fmt: skip
    commands = list(signal.commands.all())
    if not commands:
        yield head + [""] * (len(CSV_HEADER) - len(head))
    for c in commands:
        yield [
            *head,
            c.pk, c.account_login, c.action, c.order_type, c.symbol,
            c.original_symbol, c.symbol_match, number(c.volume), c.status,
            c.status_code, c.status_reason, stamp(c.queued_at),
            stamp(c.delivered_at), stamp(c.finished_at), number(c.fill_price),
            number(c.filled_volume), c.result_ticket, c.retcode,
        ]  # fmt: skip


# What a spreadsheet reads as a formula when a cell starts with it (OWASP's
# CSV injection list); a number such as -1.5 is left a number.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"\A[+-]?\d+(\.\d+)?([eE][+-]?\d+)?\Z")


def spreadsheet_safe(row):
    """The row with each text cell a spreadsheet would run as a formula
    (`=cmd|...` in a symbol's prefix, a quoted reason) prefixed with a
    single quote, which the spreadsheet shows as text."""
    return [
        f"'{cell}"
        if isinstance(cell, str)
        and cell.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.match(cell)
        else cell
        for cell in row
    ]


@roles.page_requires(roles.SEES_HISTORY)
def export(request):
    """The filtered history as CSV, one line per command (a refused alert
    without commands is one line of its own)."""
    query = HistoryFilter(request.GET or None)
    signals, commands = Signal.objects.current(), Command.objects.order_by("id")
    if query.is_bound:
        signals = query.apply(signals)
        # The page shows a matching alert whole; the export lists only the
        # orders that match (account X's export holds X's orders).
        if query.is_valid():
            commands = commands.filter(
                query.command_filter(query.cleaned_data["status"])
            )
    signals = signals.prefetch_related(Prefetch("commands", queryset=commands))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for signal in signals.iterator(chunk_size=1000):
        writer.writerows(map(spreadsheet_safe, csv_lines(signal)))
    name = f"mt5bot-history-{timezone.now():%Y%m%d-%H%M%S}.csv"
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
