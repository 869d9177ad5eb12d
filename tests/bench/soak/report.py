"""Turns one soak run (tests/bench/soak/run.sh) into summary.md (printed too) and soak.png.

usage: report.py --out DIR --t0 UNIX_S --minutes N --count N --rate R --kgate STATE --setup TEXT

Reads from DIR: produce.lat and consume.lat ("UNIX_MS ID LATENCY_US" a line: every acknowledged
record, every record consumed), rss.tsv (kgate's VmRSS every 2 s), timeline.tsv (attacks and the
broker restart) and clients.txt (the clients' own verdicts). Records are matched by id:
  lost        acknowledged to the producer, never consumed (must be 0)
  unacked     never acknowledged (delivery failed, or the run ended first)
  duplicates  consumed more than once
Exit 1 when a record was lost or never acknowledged, or kgate did not stay up; else 0.
Percentiles are nearest-rank. Producer latency runs from each record's due time (the paced
schedule) to its acknowledgement; consumer latency from its CreateTime to its arrival (ms).
Records count in the minute (or event) they were due in, whenever they were acknowledged.
"""
import argparse
import bisect
import math
import os
import sys


def percentile(sorted_values, q):
    if not sorted_values:
        return None
    rank = max(1, math.ceil(q / 100.0 * len(sorted_values)))
    return sorted_values[rank - 1]


def read_latencies(path):
    """[(unix_s, id, latency_us)], unix_s being when the record was due (producer) or made
    (consumer): the line's time less its latency, so a record late because of an event counts
    where the event was. A line cut short by a killed client is skipped."""
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                try:
                    at_ms, record_id, latency_us = int(parts[0]), int(parts[1]), int(parts[2])
                    rows.append((at_ms / 1000.0 - latency_us / 1e6, record_id, latency_us))
                except ValueError:
                    pass
    return rows


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        lines = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    return lines[1:]


def ms(us):
    return "n/a" if us is None else f"{us / 1000.0:,.1f}"


def mib(kib):
    return "n/a" if kib is None else f"{kib / 1024.0:,.0f}"


def clock(seconds):
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


def windows(rows, t0, width):
    """{window index: sorted latencies} of the rows, in windows of `width` seconds from t0."""
    out = {}
    for t, _, lat in rows:
        out.setdefault(int((t - t0) // width), []).append(lat)
    for v in out.values():
        v.sort()
    return out


def rss_at(samples, t):
    """The sample nearest to t (samples sorted by time)."""
    if not samples:
        return None
    times = [s[0] for s in samples]
    i = bisect.bisect_left(times, t)
    best = min((j for j in (i - 1, i) if 0 <= j < len(samples)), key=lambda j: abs(times[j] - t))
    return samples[best][1]


def rss_max(samples, start, end):
    values = [s[1] for s in samples if start <= s[0] <= end]
    return max(values) if values else None


def short_detail(event, detail):
    if event == "broker-restart":
        return detail
    # attacks.py prints one JSON line of counts: keep it readable in a table cell.
    return detail.replace('"', "").replace("{", "").replace("}", "").replace(", kind: " + event, "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--t0", type=float, required=True)
    ap.add_argument("--minutes", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--rate", type=int, required=True)
    ap.add_argument("--kgate", required=True)
    ap.add_argument("--setup", required=True)
    a = ap.parse_args()
    out = a.out
    produced = read_latencies(os.path.join(out, "produce.lat"))
    # The schedule starts when record 0 is due: the producer's own clock, not the script's.
    t0 = min((r[0] for r in produced), default=a.t0)
    consumed = read_latencies(os.path.join(out, "consume.lat"))
    acked = {r[1] for r in produced}
    seen = {}
    for r in consumed:
        seen[r[1]] = seen.get(r[1], 0) + 1
    lost = len(acked - seen.keys())
    unacked = a.count - len(acked)
    in_doubt = len(seen.keys() - acked)  # consumed although never acknowledged
    duplicates = sum(n - 1 for n in seen.values())

    samples = [(float(r[0]), int(r[1]), int(r[3])) for r in read_tsv(os.path.join(out, "rss.tsv")) if len(r) >= 4]
    events = [(float(r[0]), float(r[1]), r[2], r[3] if len(r) > 3 else "") for r in read_tsv(os.path.join(out, "timeline.tsv"))]
    clients = open(os.path.join(out, "clients.txt")).read().strip() if os.path.exists(os.path.join(out, "clients.txt")) else ""

    prod_lat = sorted(r[2] for r in produced)
    # A consumer group reads nothing until it has joined (with the mock a join sometimes waits a
    # whole session timeout for the other member): records made before its first read measure
    # that start, not the run, and are left out of the consumer's overall p99.
    first_read = min((r[0] + r[2] / 1e6 for r in consumed), default=t0)
    cons_lat = sorted(r[2] for r in consumed if r[0] >= first_read)
    prod_min = windows(produced, t0, 60)
    cons_min = windows(consumed, t0, 60)
    first_event = min((e[0] for e in events), default=t0 + a.minutes * 60)
    quiet = sorted(r[2] for r in produced if r[0] < first_event)

    def in_any(t, spans):
        return any(lo <= t <= hi for lo, hi in spans)

    attacks = [(e[0], e[1]) for e in events if e[2] != "broker-restart"]
    # A broker's partitions wait for it while it is down, and for a while after: not kgate's doing.
    restarts = [(e[0], e[1] + 60) for e in events if e[2] == "broker-restart"]
    under_attack = sorted(r[2] for r in produced if in_any(r[0], attacks) and not in_any(r[0], restarts))
    unattacked = sorted(r[2] for r in produced if not in_any(r[0], attacks) and not in_any(r[0], restarts))

    failures = []
    if lost:
        failures.append(f"{lost} records lost")
    if unacked:
        failures.append(f"{unacked} records never acknowledged")
    if a.kgate != "alive":
        # run.sh stops the clients when kgate dies: what the consumer had not read yet counts as lost.
        failures.append(f"kgate {a.kgate}, the clients stopped then")
    if not produced:
        failures.append("no record acknowledged at all")
    verdict = "PASS" if not failures else "FAIL: " + "; ".join(failures)

    rss_values = [s[1] for s in samples]
    levels = {"warning": 0, "error": 0, "critical": 0}
    log_path = os.path.join(out, "logs", "kgate.log")
    if os.path.exists(log_path):
        with open(log_path, errors="replace") as f:
            for line in f:
                for level in levels:
                    if f"] [{level}] " in line:
                        levels[level] += 1
    lines = [
        f"## Soak: {a.minutes} minutes, {verdict}",
        "",
        f"Set-up: {a.setup}. Honest load: an idempotent producer (acks=all) at {a.rate} records/s and a "
        "consumer group of 2, both through kgate.",
        "",
        "| | |",
        "|---|---|",
        f"| records produced (scheduled) | {a.count:,} |",
        f"| acknowledged | {len(acked):,} |",
        f"| never acknowledged | {unacked:,} |",
        f"| consumed (distinct) | {len(seen):,} |",
        f"| **lost** (acknowledged, never consumed) | **{lost:,}** |",
        f"| duplicates (consumed again) | {duplicates:,} |",
        f"| consumed without an acknowledgement | {in_doubt:,} |",
        f"| produce latency p50 / p99 / max, ms | {ms(percentile(prod_lat, 50))} / {ms(percentile(prod_lat, 99))} / {ms(prod_lat[-1] if prod_lat else None)} |",
        f"| produce p99 before the first attack, ms | {ms(percentile(quiet, 99))} |",
        f"| produce p99 of records due during attacks / at other times (restart and its next minute left out), ms | "
        f"{ms(percentile(under_attack, 99))} / {ms(percentile(unattacked, 99))} |",
        f"| worst minute's produce p99, ms | {ms(max((percentile(v, 99) for v in prod_min.values()), default=None))} |",
        f"| consumer group's first record read after, s | {first_read - t0:,.1f} |",
        f"| end-to-end (consumer) p99 from then on, ms | {ms(percentile(cons_lat, 99))} |",
        f"| kgate RSS at start / peak / end, MiB | {mib(rss_values[0] if rss_values else None)} / {mib(max(rss_values, default=None))} / {mib(rss_values[-1] if rss_values else None)} |",
        f"| kgate | {a.kgate} |",
        f"| kgate log lines: warning / error / critical | {levels['warning']:,} / {levels['error']:,} / {levels['critical']:,} |",
        "",
        "### Events",
        "",
        "| event | at | for | kgate RSS before / peak / 30 s after, MiB | p99 of the records due meanwhile, ms | detail |",
        "|---|---|---|---|---|---|",
    ]
    for start, end, event, detail in events:
        during = sorted(r[2] for r in produced if start <= r[0] <= end)
        before = rss_at([s for s in samples if s[0] <= start] or samples, start)
        lines.append(
            f"| {event} | {clock(start - t0)} | {end - start:.0f} s | {mib(before)} / {mib(rss_max(samples, start, end + 5))} / "
            f"{mib(rss_at(samples, end + 30))} | {ms(percentile(during, 99))} | {short_detail(event, detail)} |"
        )
    lines += [
        "",
        "### Per minute",
        "",
        "| minute | records due | produce p50 / p99 / max, ms | consumer p99, ms | kgate RSS max, MiB | open fds max | events |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in range(a.minutes):
        lo, hi = t0 + 60 * m, t0 + 60 * (m + 1)
        p = prod_min.get(m, [])
        c = cons_min.get(m, [])
        fds = [s[2] for s in samples if lo <= s[0] < hi]
        names = sorted({e[2] for e in events if e[0] < hi and e[1] > lo})
        lines.append(
            f"| {m} | {len(p):,} | {ms(percentile(p, 50))} / {ms(percentile(p, 99))} / {ms(p[-1] if p else None)} | "
            f"{ms(percentile(c, 99))} | {mib(rss_max(samples, lo, hi))} | {max(fds) if fds else 'n/a'} | {', '.join(names)} |"
        )
    if clients:
        lines += ["", "Clients' own verdicts:", "", "```", clients, "```"]
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(text)
    print(text)
    chart(out, t0, samples, produced, events)
    return 0 if not failures else 1


def chart(out, t0, samples, produced, events):
    # scripts/setup installs matplotlib into the tests' virtual environment: run with its Python.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 7), sharex=True)
    top.plot([(s[0] - t0) / 60 for s in samples], [s[1] / 1024 for s in samples], color="tab:blue")
    top.set_ylabel("kgate RSS, MiB")
    top.set_title("kgate resident memory (every 2 s)")
    fine = windows(produced, t0, 10)
    xs = sorted(fine)
    bottom.plot([(x * 10 + 5) / 60 for x in xs], [max(percentile(fine[x], 99), 1) / 1000 for x in xs],
                color="tab:orange", linewidth=0.8, label="p99 per 10 s")
    per_minute = windows(produced, t0, 60)
    if per_minute:
        minutes = sorted(per_minute)
        p99s = [max(percentile(per_minute[m], 99), 1) / 1000 for m in minutes]
        # A step per minute: the last one drawn to its minute's end.
        bottom.step(minutes + [minutes[-1] + 1], p99s + [p99s[-1]], where="post", color="tab:red", label="p99 per minute")
    bottom.set_yscale("log")
    bottom.set_ylabel("produce latency, ms")
    bottom.set_xlabel("minutes since the honest load started")
    bottom.set_title("honest producer: due time to acknowledgement")
    bottom.legend(loc="upper right")
    colors = {"large-frames": "tab:red", "trickle": "tab:orange", "idle": "tab:green", "churn": "tab:purple", "noread": "tab:brown",
              "garbage": "tab:gray", "broker-restart": "black"}
    for start, end, event, _ in events:
        for ax in (top, bottom):
            ax.axvspan((start - t0) / 60, (end - t0) / 60, color=colors.get(event, "tab:olive"), alpha=0.15)
        top.text((start - t0) / 60, 1.0, event, transform=top.get_xaxis_transform(), fontsize=7, rotation=90,
                 va="top", ha="left")
    fig.tight_layout()
    fig.savefig(os.path.join(out, "soak.png"), dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
