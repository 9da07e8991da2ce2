"""What bench/webhook.py prints: the table of each configuration's latencies,
their ratios, the targets and the loss check."""

import math

# (label, concurrency, statistic, limit, direction): our server's targets.
TARGETS = [
    ("c=1 p50 <= 5 ms", 1, "p50", 5.0, "max"),
    ("c=8 p99 <= 60 ms", 8, "p99", 60.0, "max"),
    ("c=8 >= 300 req/s", 8, "rps", 300.0, "min"),
]
HEAD = "config      c   p50 ms   p90 ms   p99 ms   max ms    req/s errors"
ROW = "{config:<9} {c:>3} {p50:>8.2f} {p90:>8.2f} {p99:>8.2f} {max:>8.2f} {rps:>8.1f}"


def percentile(ordered, q):
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summarise(config, c, parts):
    ordered = sorted(x * 1000 for p in parts for x in p["latencies"])
    wall = max(p["end"] for p in parts) - min(p["start"] for p in parts)
    counts = ("errors", "warm_errors", "queued", "accepted")
    row = {k: sum(p[k] for p in parts) for k in counts}
    row.update(config=config, c=c, max=ordered[-1], rps=len(ordered) / wall)
    row.update({f"p{q}": percentile(ordered, q) for q in (50, 90, 99)})
    row["samples"] = [s for p in parts for s in p["samples"]][:3]
    return row


def print_table(rows):
    print(HEAD)
    for row in rows:
        print(ROW.format(**row), f"{row['errors']:>6}")


def find(rows, config, c):
    return next((r for r in rows if r["config"] == config and r["c"] == c), None)


def print_ratios(rows, levels, pairs):
    """`pairs`: (config, reference) to compare, as "config/reference"."""
    for config, reference in pairs:
        print(f"\nratios {config}/{reference}:")
        for c in levels:
            ours, base = find(rows, config, c), find(rows, reference, c)
            if ours and base:
                p50, p99 = ours["p50"] / base["p50"], ours["p99"] / base["p99"]
                rps = ours["rps"] / base["rps"]
                print(f"  c={c}: p50 x{p50:.2f}  p99 x{p99:.2f}  req/s x{rps:.2f}")


def check(rows, config, target):
    label, c, stat, limit, direction = target
    row = find(rows, config, c)
    if row is None:
        return label, "n/a (not measured)", None
    ok = row[stat] <= limit if direction == "max" else row[stat] >= limit
    unit = "req/s" if stat == "rps" else "ms"
    return label, f"{row[stat]:.2f} {unit}", ok


def print_targets(rows, configs, lost):
    """Each of our configurations against the targets; `lost`: commands
    lost per configuration."""
    passed = True
    for config in configs:
        print(f"\ntargets ({config}):")
        results = [check(rows, config, t) for t in TARGETS]
        results.append(("zero commands lost", f"{lost[config]} lost", not lost[config]))
        for label, value, ok in results:
            verdict = "" if ok is None else ("PASS" if ok else "FAIL")
            print(f"  {label:<20} {value:<14} {verdict}")
        passed = passed and all(ok for *_, ok in results if ok is not None)
    return passed


def loss_check(rows, config, db_q, db_a):
    ours = [r for r in rows if r["config"] == config]
    sent_q, sent_a = sum(r["queued"] for r in ours), sum(r["accepted"] for r in ours)
    print(f"\n{config}: queued commands in 200 answers: {sent_q}; queued rows: {db_q}")
    print(f"{config}: accepted signals in 200 answers: {sent_a}; accepted rows: {db_a}")
    print(f"{config}: lost commands: {max(0, sent_q - db_q)}")
    return max(0, sent_q - db_q)


def report_errors(rows, err_paths):
    """`err_paths`: each of our configurations' stderr file."""
    bad = [r for r in rows if r["errors"] or r["warm_errors"]]
    for r in bad:
        print(f"\n{r['config']} c={r['c']}: {r['errors']} errors", end="")
        print(f" (+{r['warm_errors']} in warm-up); samples: {r['samples']}")
    for config, path in err_paths.items():
        if any(r["config"] == config for r in bad):
            print(f"\n{config}'s stderr tail:\n{tail(path)}")


def tail(path, lines=30):
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""
