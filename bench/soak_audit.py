"""What a soak run (bench/soak.py) proves, read from the server's history and
the paper brokers' own records, and the counts it prints.

The witnesses: each paper terminal's journal (`paper_journal.jsonl`, one line
per trade request it sent, numbered `n` within its command) and its saved
state (`paper_state.json`: the positions open at the end). Under a broker
that misbehaves (`--faults realistic`, ea/paper/faults.py) a command may send
several requests (retries after a requote, the rest of a partial close, the
closes of a reversal) and a timeout may hide a deal the journal never saw, so
the checks read each line for what it is:

- executed twice: an (id, n) journalled twice (a command run again), or a
  BUY/SELL whose journal shows two opening deals;
- final: every command is in a final state;
- rejected: its retcode proves nothing executed: a trade server refusal, or
  0 for the terminal's own (nothing sent), or none when the server refused it
  before delivery. 10008/10009/10010 (done) or 10011/10012/10028 (maybe
  done) under `rejected` is a lie to the trader;
- every trade has its command: an accepted request belongs to a command that
  is `executed` or `unknown`; a refused reversal (`rejected`, `closed: n`)
  may have closed positions, never opened one;
- every position the bot opened is accounted for: each position the brokers
  show (closed by a journalled request, or still open at the end) was opened
  by a journalled request of an executed or unknown command, or is the one an
  unknown command's result names (a timeout whose deal went through);
- an executed command with a retcode traded (retcode 0 is "nothing to do").
"""

from collections import Counter

FINAL = {"executed", "rejected", "failed", "expired", "unknown"}
# Accepted by the trade server (docs/mt5.md §6).
TRADED = {10008, 10009, 10010}
# May hide an execution (docs/mt5.md §6): 10011 processing error, 10012
# timeout, 10028 locked for processing (a dealer may be handling it). Kept
# here, not imported from a terminal, so a terminal's mistake shows.
MAYBE_TRADED = {10011, 10012, 10028}
# MT5's trade server return codes run from 10004 to 10046.
SERVER_CODES = range(10004, 10047)


def proves_nothing_executed(row):
    """Whether a `rejected` command's retcode shows that nothing executed."""
    code = row["retcode"]
    if code is None:
        return row["delivered_at"] is None  # the server's own refusal
    if code == 0:
        return True  # the terminal refused it and sent nothing
    return code in SERVER_CODES and code not in TRADED | MAYBE_TRADED


def is_opening(line):
    """A request that opened a position or placed an order: its ticket is the
    order's own (a close names another position; a netting increase keeps
    the position's ticket)."""
    return (
        line["retcode"] in TRADED and line["ticket"] and line["ticket"] == line["order"]
    )


class Audit:
    """The checks over `commands` (history rows, `uid` as 32 hex digits),
    `journals` ({login: [journal line]}) and `positions` ({login: [open
    position]}); `problems` lists each failed check with its count."""

    def __init__(self, commands, journals, positions):
        self.commands = commands
        self.by_uid = {row["uid"]: row for row in commands}
        self.journals, self.positions = journals, positions
        self.problems = []

    def run(self):
        self.check_final()
        self.check_rejected()
        self.check_journals()
        return self.problems

    def fail(self, count, text):
        if count:
            self.problems.append(f"{count} {text}")

    def check_final(self):
        not_final = sum(1 for row in self.commands if row["status"] not in FINAL)
        self.fail(not_final, "commands not final")

    def check_rejected(self):
        bad = Counter(
            row["retcode"]
            for row in self.commands
            if row["status"] == "rejected" and not proves_nothing_executed(row)
        )
        codes = ", ".join(f"{code}: {n}" for code, n in sorted(bad.items(), key=str))
        self.fail(
            sum(bad.values()), f"rejected with a code that may have executed ({codes})"
        )

    def check_journals(self):
        lines = [line for journal in self.journals.values() for line in journal]
        repeated = Counter((line["id"], line["n"]) for line in lines)
        opens = Counter(line["id"] for line in lines if is_opening(line))
        doubled = sum(1 for n in repeated.values() if n > 1)
        doubled += sum(1 for n in opens.values() if n > 1)
        self.fail(doubled, "commands executed twice")
        self.fail(sum(map(self.unowned, lines)), "trades without an executed command")
        traded = {line["id"] for line in lines if line["retcode"] in TRADED}
        untraded = [
            row
            for row in self.commands
            if row["status"] == "executed"
            and row["retcode"] not in (0, None)
            and row["uid"] not in traded
        ]
        self.fail(len(untraded), "executed commands with no trade")
        self.fail(
            len(self.unaccounted(lines)), "positions history does not account for"
        )

    def unowned(self, line):
        """A trade whose command says nothing was done."""
        if line["retcode"] not in TRADED:
            return False
        row = self.by_uid.get(line["id"])
        if row is None:
            return True
        if row["status"] in ("executed", "unknown"):
            return False
        # A reversal refused after its close_first closed something.
        return not (
            row["status"] == "rejected" and row["close_first"] and not is_opening(line)
        )

    def unaccounted(self, lines):
        """Tickets of positions the brokers show that no executed or unknown
        command opened."""
        good = ("executed", "unknown")
        known = {
            line["ticket"]
            for line in lines
            if is_opening(line)
            and self.by_uid.get(line["id"], {}).get("status") in good
        }
        known |= {
            row["result_ticket"]
            for row in self.commands
            if row["status"] == "unknown" and row["result_ticket"]
        }
        seen = {
            line["ticket"]
            for line in lines
            if line["retcode"] in TRADED and not is_opening(line) and line["ticket"]
        }
        magics = {row["magic"] for row in self.commands}
        for positions in self.positions.values():
            seen |= {p["ticket"] for p in positions if p["magic"] in magics}
        return seen - known

    # --- counts -------------------------------------------------------------

    def by_state(self):
        """Every final state, 0 included: "rejected: 0" is a finding too."""
        found = Counter(row["status"] for row in self.commands)
        return Counter({**dict.fromkeys(FINAL, 0), **found})

    def by_state_and_retcode(self):
        return Counter((row["status"], row["retcode"]) for row in self.commands)

    def broker_answers(self):
        """Every answer the trade servers gave, per retcode: the faults met."""
        return Counter(
            line["retcode"] for journal in self.journals.values() for line in journal
        )


def counts_lines(audit):
    """The counts per final state, per state and retcode, and per broker
    answer, as printed lines."""

    def cells(counter):
        ordered = sorted(counter.items(), key=lambda item: (-item[1], str(item[0])))
        return ", ".join(f"{key}: {n}" for key, n in ordered)

    pairs = Counter(
        {f"{state} {'-' if code is None else code}": n
         for (state, code), n in audit.by_state_and_retcode().items()}
    )  # fmt: skip
    return [
        f"commands per final state: {cells(audit.by_state())}",
        f"commands per state and retcode: {cells(pairs)}",
        f"trade server answers per retcode (journals): {cells(audit.broker_answers())}",
    ]


# --- the report ----------------------------------------------------------------


def percentiles(values):
    ordered = sorted(values)
    if not ordered:
        return "n=0"

    def at(q):
        return ordered[min(len(ordered) - 1, int(q * (len(ordered) - 1) + 0.5))]

    cells = [f"{name} {at(q) * 1000:8.1f}" for name, q in (("p50", 0.5), ("p90", 0.9))]
    cells += [f"p99 {at(0.99) * 1000:8.1f}", f"max {ordered[-1] * 1000:8.1f} ms"]
    return f"n={len(ordered):<6} " + "  ".join(cells)


def seconds(a, b):
    return (b - a).total_seconds() if a and b else None


CHECKED = (
    "every alert answered and stored, every command final, none executed twice "
    "(journals), every `rejected` code proves nothing executed, every trade "
    "and every position the bot opened accounted for in history"
)


def report(soak, problems, statuses, commands, answers, audit):
    args = soak.args
    outcomes = Counter(row["status"] for row in commands)
    retried = sum(1 for _, _, attempt, _ in answers if attempt)
    print(f"\nsoak: {args.webhooks} webhooks at concurrency {args.concurrency}, "
          f"{args.accounts} paper accounts on 2 supervisors, 2 web workers, "
          f"PostgreSQL + Redis; paper broker faults: {args.faults}")  # fmt: skip
    print(f"kills: {', '.join(soak.kills)}")
    print(f"answers: {dict(statuses)}; alerts re-sent after no answer: {retried}")
    print(f"commands: {len(commands)}")
    for line in counts_lines(audit):
        print(f"  {line}")
    print(f"sent in {soak.sent_in:.1f} s ({args.webhooks / soak.sent_in:.1f} alerts/s);"
          f" all final after {soak.settled_in:.1f} s "
          f"({outcomes['executed'] / soak.settled_in:.1f} executed/s)")  # fmt: skip
    stages = {
        "webhook answer (client)": [a[3] for a in answers if a[3] is not None],
        "received -> delivered": [
            seconds(r["received_at"], r["delivered_at"]) for r in commands
        ],
        "delivered -> result recorded": [
            seconds(r["delivered_at"], r["finished_at"])
            for r in commands
            if r["status"] == "executed"
        ],
        "received -> executed": [
            seconds(r["received_at"], r["finished_at"])
            for r in commands
            if r["status"] == "executed"
        ],
    }
    for name, values in stages.items():
        print(f"  {name:<30} {percentiles([v for v in values if v is not None])}")
    print(f"checks ({CHECKED}):", "PASS" if not problems else "FAIL")
    for problem in problems:
        print(f"  - {problem}")
    lost = sum(1 for row in commands if row["status"] not in FINAL)
    print(f"lost 0? {lost or 'yes'}; doubled 0? "
          f"{'yes' if not any('twice' in p for p in problems) else 'NO'}")  # fmt: skip
