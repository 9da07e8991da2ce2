"""bench/bridge.py's figures: percentiles, the table, ratios and targets."""

import math

CONFIGS = ("floor", "ours")
STATISTICS = ("p50", "p90", "p99", "max")
# (measure, statistic, limit in ms): our server's targets (issue 15).
TARGETS = [
    ("file", "p50", 5),
    ("file", "p99", 20),
    ("executed", "p50", 20),
    ("executed", "p99", 60),
    ("fanout", "p50", 40),
    ("fanout", "max", 100),
]
TITLES = {
    "file": "1. webhook -> command file in place",
    "executed": "2. webhook -> executed (paper)",
    "result": "   webhook -> result file in place",
    "fanout": "3. fan-out: all 50 files in place",
}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def stats(values):
    """n, p50, p90, p99 and max of `values` (ms), or None when empty."""
    if not values:
        return None
    found = {f"p{q}": percentile(values, q) for q in (50, 90, 99)}
    return {"n": len(values), **found, "max": max(values)}


def print_table(results):
    """One line per measure and config. The floor's result file in place is
    its executed figure, so it is not printed twice."""
    head = " ".join(f"{name:>7}" for name in STATISTICS)
    print(f"{'measure':<36} {'config':<6} {'n':>4} {head}")
    for key, title in TITLES.items():
        for config in CONFIGS:
            s = results[config].get(key)
            if s and not (key == "result" and config == "floor"):
                figures = " ".join(f"{s[name]:7.2f}" for name in STATISTICS)
                print(f"{title:<36} {config:<6} {s['n']:>4} {figures} ms")


def ratio_line(label, ours, floor):
    if not (ours and floor):
        return
    parts = [
        f"{name} x{ours[name] / floor[name]:.1f}" for name in ("p50", "p99", "max")
    ]
    print(f"  {label:<36} {'  '.join(parts)}")


def print_ratios(results):
    ours, floor = results["ours"], results["floor"]
    print("\nratios ours/floor:")
    for key in ("file", "executed", "fanout"):
        ratio_line(TITLES[key].strip(), ours.get(key), floor.get(key))
    ratio_line(
        "   (ours' result file in place)", ours.get("result"), floor.get("result")
    )


def verdict(label, value, ok):
    print(f"  {label:<48} {value:<14} {'PASS' if ok else 'FAIL'}")
    return ok


def print_targets(results, lost):
    """PASS or FAIL for each of our server's targets; True if all pass."""
    print("\ntargets (ours):")
    passed = True
    for key, name, limit in TARGETS:
        s = results["ours"].get(key)
        value = f"{s[name]:.2f} ms" if s else "not measured"
        label = f"{TITLES[key].strip()[3:]}: {name} <= {limit} ms"
        passed &= verdict(label, value, s is not None and s[name] <= limit)
    passed &= verdict("commands lost: 0", f"{lost} lost", lost == 0)
    return passed
