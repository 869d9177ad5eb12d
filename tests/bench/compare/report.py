"""Turns run.sh's results.jsonl into table.md (printed too) and chart.png.

usage: report.py RESULTS.jsonl OUT_DIR CLK_TCK MACHINE VERSIONS SKIPPED [BROKERS [TLS]]
BROKERS is mock (the default), kafka or kop; for kafka and kop the files are
table-BROKERS.md and chart-BROKERS.png and every heading names the brokers. Against KoP there is
no Metadata workload (run.sh says why), so no Metadata table. A run with --throughput-only has
only the throughput table: the latency, Metadata and idle-connection ones are left out, and so are
their panels in the chart. TLS is 0 (plaintext), 1 (clients over TLS to each proxy, the proxies
and the direct path to the brokers in plaintext) or 2 (TLS on both sides); with 1 or 2 the files
get -tls in their names. Round trips (one request in flight) get a table of their own, with what
each proxy adds to the direct path's median and p99.
Medians over rounds, with the spread (lowest-highest) beside throughput; ratios are to the
direct path's median in the same run. CPU is the proxy process's user+system time from
/proc/PID/stat; peak RSS is VmHWM from /proc/PID/status.
"""
import json
import statistics
import sys

ORDER = ["direct", "kgate", "haproxy", "kafka-proxy", "kroxylicious"]


def load(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    return [r for r in rows if not r["result"].get("failed")], [r for r in rows if r["result"].get("failed")]


def pick(rows, workload, target):
    return [r for r in rows if r["workload"] == workload and r["target"] == target]


def fmt(x, digits=1):
    return "n/a" if x is None else f"{x:,.{digits}f}"


def main():
    results, out_dir, clk_tck, machine, versions, skipped = sys.argv[1:7]
    brokers = sys.argv[7] if len(sys.argv) > 7 else "mock"
    suffix = "" if brokers == "mock" else f"-{brokers}"
    # Only the other kinds say so in their headings: the mock's tables stay as they were.
    where = {"mock": "", "kafka": ", Apache Kafka brokers", "kop": ", KoP brokers"}[brokers]
    tls = sys.argv[8] if len(sys.argv) > 8 else "0"
    if tls in ("1", "2"):
        suffix += "-tls"
        where += {"1": ", clients over TLS to each proxy (proxies to the brokers and the direct path in plaintext)",
                  "2": ", TLS on both sides (clients to each proxy and directly to the brokers, each proxy to the brokers)"}[tls]
    tick = 1.0 / int(clk_tck)
    rows, failed = load(results)
    targets = [t for t in ORDER if any(r["target"] == t for r in rows + failed)]
    lines = []
    add = lines.append

    def median(workload, target, key):
        values = [r["result"][key] for r in pick(rows, workload, target)]
        return statistics.median(values) if values else None

    def spread(workload, target, key):
        values = [r["result"][key] for r in pick(rows, workload, target)]
        return f"{min(values):,.0f}-{max(values):,.0f}" if len(values) > 1 else ""

    def cpu_per_gb(workload, target):
        runs = pick(rows, workload, target)
        gb = sum(r["result"]["bytes"] for r in runs) / 1e9
        return sum(r["ticks"] for r in runs) * tick / gb if runs and gb > 0 and target != "direct" else None

    def peak_mib(target):
        runs = pick(rows, "peak-rss", target)
        return runs[0]["result"]["vmhwm_kib"] / 1024 if runs else None

    chart = {"throughput": {}, "cpu": {}, "latency": {}, "idle": {}}
    add(f"### Throughput{where} (1 KiB records, acks=1, MB/s; median, spread over rounds)")
    add("")
    add("| target | produce MB/s | x direct | consume MB/s | x direct | CPU s/GB produce | CPU s/GB consume | peak RSS MiB |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|")
    base = {w: median(w, "direct", "mb_per_s") for w in ("produce", "consume")}
    for t in targets:
        cells = [t]
        for w in ("produce", "consume"):
            m = median(w, t, "mb_per_s")
            s = spread(w, t, "mb_per_s")
            cells += [fmt(m) + (f" ({s})" if s else ""), fmt(m / base[w], 2) if m and base[w] else "n/a"]
            chart["throughput"].setdefault(w, {})[t] = m / base[w] if m and base[w] else 0
        cells += [fmt(cpu_per_gb("produce", t), 2), fmt(cpu_per_gb("consume", t), 2), fmt(peak_mib(t), 0)]
        chart["cpu"][t] = [cpu_per_gb("produce", t) or 0, cpu_per_gb("consume", t) or 0]
        add("| " + " | ".join(cells) + " |")

    max_rows = pick(rows, "latency-max", "direct")
    max_rate = statistics.median(r["result"]["achieved_per_s"] for r in max_rows) if max_rows else 0
    loads = sorted({int(r["workload"].split("-")[1]) for r in rows + failed if r["workload"].startswith("latency-") and r["workload"] != "latency-max"})
    if loads:
        add("")
        # The latency client against Kafka: at most 5 requests in flight per connection (run.sh says why).
        capped = "" if brokers == "mock" else ", at most 5 requests in flight"
        add(f"### Produce latency at fixed rates{where} (from each record's scheduled send time{capped}; direct maximum {max_rate:,.0f} records/s)")
        add("")
        add("| target | load | records/s | p50 us | p99 us | p99.9 us | added p99 us |")
        add("|---|---:|---:|---:|---:|---:|---:|")
    for load_pct in loads:
        w = f"latency-{load_pct}"
        direct_p99 = median(w, "direct", "p99_us")
        for t in targets:
            runs = pick(rows, w, t)
            if not runs:
                add(f"| {t} | {load_pct}% | failed | | | | |")
                continue

            def lat(key):
                values = [r["result"][key] for r in runs]
                # -1: the percentile fell on a record never acknowledged within the drain time.
                return "unacked" if any(v < 0 for v in values) else statistics.median(values)

            p50, p99, p999 = lat("p50_us"), lat("p99_us"), lat("p999_us")
            added = p99 - direct_p99 if isinstance(p99, float) and isinstance(direct_p99, float) and t != "direct" else None
            shown = [fmt(v, 0) if isinstance(v, float) else v for v in (p50, p99, p999)]
            add(f"| {t} | {load_pct}% | {fmt(median(w, t, 'achieved_per_s'), 0)} | {' | '.join(shown)} | {fmt(added, 0) if added is not None else ''} |")
            chart["latency"].setdefault(t, []).append((load_pct, p99 if isinstance(p99, float) else None))

    if any(r["workload"] == "round-trip" for r in rows + failed):
        trips = [r["result"] for r in pick(rows, "round-trip", "direct")]
        count = f"{trips[0]['requests']:,} per target and round" if trips else ""
        add("")
        add(f"### Round trips, one request in flight{where} (one-record Produce, acks=1, to partition 0's leader, one connection per target, the targets taking turns request by request; {count}; medians over rounds)")
        add("")
        add("| target | p50 us | p90 us | p99 us | p99.9 us | added p50 us | added p99 us | proxy CPU us per request |")
        add("|---|---:|---:|---:|---:|---:|---:|---:|")
    direct_trip = {k: median("round-trip", "direct", k) for k in ("p50_us", "p99_us")}
    for t in targets if any(r["workload"] == "round-trip" for r in rows + failed) else []:
        runs = pick(rows, "round-trip", t)
        if not runs:
            add(f"| {t} | failed | | | | | | |")
            continue
        values = {k: median("round-trip", t, k) for k in ("p50_us", "p90_us", "p99_us", "p999_us")}
        added = ["", ""] if t == "direct" or None in direct_trip.values() else [
            fmt(values["p50_us"] - direct_trip["p50_us"], 1), fmt(values["p99_us"] - direct_trip["p99_us"], 1)]
        # Over the warm-up's requests too: the proxy's CPU covers every request it forwarded.
        forwarded = sum(r["result"]["requests"] + r["result"]["warmup"] for r in runs)
        cpu_us = sum(r["ticks"] for r in runs) * tick * 1e6 / forwarded if t != "direct" else None
        add(f"| {t} | " + " | ".join(fmt(values[k], 1) for k in ("p50_us", "p90_us", "p99_us", "p999_us"))
            + f" | {added[0]} | {added[1]} | {fmt(cpu_us, 1) if cpu_us is not None else ''} |")

    partitions = max((r["result"]["partitions"] for r in rows if r["workload"] == "metadata"), default=0)
    if any(r["workload"] == "metadata" for r in rows + failed):
        add("")
        add(f"### All-topics Metadata, {({'mock': '3', 'kafka': '3 Kafka', 'kop': '2 KoP'})[brokers]} brokers, {partitions:,} partitions")
        add("")
        add("| target | requests/s | x direct | p50 ms | proxy CPU ms per request |")
        add("|---|---:|---:|---:|---:|")
    direct_meta = median("metadata", "direct", "per_s")
    for t in targets if any(r["workload"] == "metadata" for r in rows + failed) else []:
        runs = pick(rows, "metadata", t)
        if not runs:
            add(f"| {t} | failed | | | |")
            continue
        per_s = median("metadata", t, "per_s")
        cpu_ms = sum(r["ticks"] for r in runs) * tick * 1000 / sum(r["result"]["requests"] for r in runs) if t != "direct" else None
        add(f"| {t} | {fmt(per_s)} | {fmt(per_s / direct_meta, 2) if direct_meta else 'n/a'} | {fmt(median('metadata', t, 'p50_ms'), 2)} | {fmt(cpu_ms, 2) if cpu_ms is not None else ''} |")

    idle = [r for r in rows if r["workload"] == "idle"]
    if idle:
        add("")
        add(f"### Idle client connections{where} (proxy resident memory while they are held)")
        add("")
        counts = sorted({r["round"] for r in idle})
        held = {c: max(r["result"]["connections"] for r in idle if r["round"] == c) for c in counts}
        add("| target | " + " | ".join(f"RSS MiB, {held[c]:,} connections" for c in counts) + " | KiB per connection (largest) |")
        add("|---|" + "---:|" * (len(counts) + 1))
        for t in targets:
            runs = {r["round"]: r["result"] for r in idle if r["target"] == t}
            if not runs:
                continue
            cells = [
                (fmt(runs[c]["rss_kib"] / 1024, 0) + (f" ({runs[c]['connections']:,} held)" if runs[c]["connections"] < held[c] else ""))
                if c in runs else "failed"
                for c in counts
            ]
            last = runs.get(counts[-1])
            per = (last["rss_kib"] - last["before_kib"]) / last["connections"] if last else None
            add(f"| {t} | {' | '.join(cells)} | {fmt(per, 1)} |")
            chart["idle"][t] = runs[counts[-1]]["rss_kib"] / 1024 if last else 0
        if any(held[c] < c for c in counts) or any(r["result"]["connections"] < held[r["round"]] for r in idle):
            add("")
            add("Fewer connections than asked: each one costs the proxy two descriptors and the open-files hard limit here "
                "caps them; '(N held)' marks a proxy that had N open when the time limit ran out"
                + (" (the mock brokers accept ever more slowly as connections pile up)." if brokers == "mock" else "."))

    restarts = [r for r in rows if r["workload"] == "broker-restart"]
    if restarts:
        add("")
        add("Broker restarts: " + ", ".join(f"{r['target']} died during {r['result']['during']} in round {r['round']} "
                                          "and was started again; that run was repeated" for r in restarts) + ".")
    if failed:
        add("")
        add("Failed runs: " + ", ".join(sorted({f"{r['workload']} through {r['target']}" for r in failed})) + ".")
    add("")
    add(f"Machine: {machine}. Versions: {versions}. Each proxy pinned to core 1 with one worker; "
        f"{ {'mock': 'mock', 'kafka': 'Kafka', 'kop': 'KoP'}[brokers]} brokers and clients on both cores.")
    if skipped:
        add(f"Left out: {skipped}.")
    text = "\n".join(lines) + "\n"
    open(f"{out_dir}/table{suffix}.md", "w").write(text)
    print(text)
    draw(chart, targets, f"{out_dir}/chart{suffix}.png", where.lstrip(", "))


def not_measured(ax):
    ax.text(0.5, 0.5, "not measured in this run", ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def draw(chart, targets, path, title):
    # scripts/setup installs matplotlib into the tests' virtual environment: run with its Python.
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(2, 2, figsize=(12, 8))
    proxies = [t for t in targets if t != "direct"]
    ax = axes[0][0]
    width = 0.38
    for i, w in enumerate(("produce", "consume")):
        ax.bar([x + i * width for x in range(len(targets))], [chart["throughput"].get(w, {}).get(t, 0) for t in targets], width, label=w)
    ax.axhline(0.95, color="grey", linestyle="--", linewidth=1)
    ax.set_xticks([x + width / 2 for x in range(len(targets))], targets)
    ax.set_title("Throughput / direct (higher is better)")
    ax.legend()
    ax = axes[0][1]
    for i, w in enumerate(("produce", "consume")):
        ax.bar([x + i * width for x in range(len(proxies))], [chart["cpu"][t][i] for t in proxies], width, label=w)
    ax.set_xticks([x + width / 2 for x in range(len(proxies))], proxies)
    ax.set_yscale("log")
    ax.set_title("Proxy CPU seconds per GB, log scale (lower is better)")
    ax.legend()
    ax = axes[1][0]
    ax.set_title("Produce p99 latency, us (lower is better)")
    if any(p99 is not None for points in chart["latency"].values() for _, p99 in points):
        for t in targets:
            points = [(load, p99) for load, p99 in chart["latency"].get(t, []) if p99 is not None]
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=t)
        ax.set_yscale("log")
        ax.set_xlabel("load, % of the direct maximum")
        ax.legend()
    else:
        not_measured(ax)
    ax = axes[1][1]
    ax.set_title("RSS MiB with the most idle connections (lower is better)")
    if chart["idle"]:
        ax.bar(list(chart["idle"].keys()), list(chart["idle"].values()))
    else:
        not_measured(ax)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"chart: {path}")


if __name__ == "__main__":
    main()
