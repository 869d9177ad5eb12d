#!/usr/bin/env python3
"""Hostile clients against a kgate in front of real Kafka brokers (issue 15), while honest
clients run beside them (the caller runs those and checks them).

    hostile_clients.py GATEWAY HTTP KGATE_PID TOPIC REQUEST_BUDGET RESPONSE_BUDGET

TOPIC is what noread fetches: a topic with some megabytes in each partition already, so that the
answers nobody reads pile up against the response budget.

kgate must run with --request-memory-budget REQUEST_BUDGET, --response-memory-budget
RESPONSE_BUDGET, a short --connections-max-idle-ms (under IDLE_ATTACK_S) and a short
--frame-grace-ms (the trickled frames must fall behind the floor within TRICKLE_S). The
attacks of the soak (tests/bench/soak/attacks.py) run one after the other:

  large-frames  40 connections announce 100 MB frames and send 25 MB of each (1 GB in all)
  noread        8 connections pipeline Fetch requests for TOPIC and never read an answer
  trickle       50 frames announced at 100 MB arriving at 500 bytes a second
  idle          IDLE_CONNECTIONS connections that send one ApiVersions, then nothing
  churn         connections opened and dropped at once, 200 a second
  garbage       random bytes, 100 connections a second

kgate's resident memory must stay within both budgets' bound (1.5 x each, plus the one large
frame the request budget's pass lets through, plus one Fetch answer) and MARGIN over what it was;
the request budget must really have paused the large frames; every trickled frame and idle
connection must be closed by its timeout; after the attacks kgate must return its memory and hold
nothing against either budget, and after each attack it must hold nothing within SETTLE_S.
Bounded: each attack has a hard timeout, the whole run about 70 s.
Prints a line per attack and one summary; exit 0 when everything holds, 1 otherwise.
"""
import json
import os
import subprocess
import sys
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "integration"))
import kgate_probe as kp  # noqa: E402

ATTACKS = os.path.join(here, "..", "..", "bench", "soak", "attacks.py")
MIB = 1024 * 1024
LARGE_SENT = 25_000_000
FETCH_ANSWER = 16 * MIB  # the largest answer noread can draw from TOPIC in this run, generously
MARGIN = 32 * MIB        # allocator, thread stacks, read-ahead buffers and socket bookkeeping
RETURNED_WITHIN = 24 * MIB
RECOVER_S = 20
SETTLE_S = 10
IDLE_CONNECTIONS = 1000
TRICKLE_CONNECTIONS = 50
IDLE_ATTACK_S = 12
TRICKLE_S = 10


def plan(topic):
    return [
        ("large-frames", 10, ["--connections", "40", "--announce", "100000000", "--send-each", str(LARGE_SENT)]),
        ("noread", 8, ["--connections", "8", "--rate", "20", "--topic", topic]),
        ("trickle", TRICKLE_S, ["--connections", str(TRICKLE_CONNECTIONS), "--announce", "100000000",
                                "--send-each", str(TRICKLE_S * 300)]),
        ("idle", IDLE_ATTACK_S, ["--connections", str(IDLE_CONNECTIONS)]),
        ("churn", 6, ["--rate", "200"]),
        ("garbage", 6, ["--rate", "100"]),
    ]


class Sampler(threading.Thread):
    """kgate's RSS and its budget gauges every 0.2 s, the peaks kept per attack."""

    def __init__(self, pid, http):
        super().__init__(daemon=True)
        self.pid, self.http = pid, http
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with getattr(self, "lock", threading.Lock()):
            self.peak_rss = 0
            self.peak = {}

    def run(self):
        while not self.stop.is_set():
            try:
                rss = kp.rss(self.pid)
                m = kp.labelled_metrics(self.http)
            except (OSError, RuntimeError):
                time.sleep(0.2)
                continue
            with self.lock:
                self.peak_rss = max(self.peak_rss, rss)
                for key in (("kgate_memory_budget_held_bytes", "requests"), ("kgate_memory_budget_held_bytes", "responses"),
                            ("kgate_memory_budget_paused_connections", "requests"),
                            ("kgate_memory_budget_paused_connections", "responses")):
                    self.peak[key] = max(self.peak.get(key, 0), m.get(key, 0))
            time.sleep(0.2)


def timeouts(http, kind):
    return kp.labelled_metrics(http).get(("kgate_timeouts_total", kind), 0)


def budgets_in_use(http):
    m = kp.labelled_metrics(http)
    held = sum(m.get(("kgate_memory_budget_held_bytes", b), 0) for b in ("requests", "responses"))
    paused = sum(m.get(("kgate_memory_budget_paused_connections", b), 0) for b in ("requests", "responses"))
    return held, paused


def settle(http):
    """Waits up to SETTLE_S for both budgets to hold nothing; returns what they still hold."""
    deadline = time.monotonic() + SETTLE_S
    while True:
        held, paused = budgets_in_use(http)
        if (held == 0 and paused == 0) or time.monotonic() > deadline:
            return held, paused
        time.sleep(0.25)


def main():
    if len(sys.argv) != 7:
        print(__doc__, file=sys.stderr)
        return 2
    gateway, http, pid, topic = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    request_budget, response_budget = int(sys.argv[5]), int(sys.argv[6])
    allowed = request_budget * 3 // 2 + LARGE_SENT + response_budget * 3 // 2 + FETCH_ANSWER + MARGIN
    before = kp.rss(pid)
    sampler = Sampler(pid, http)
    sampler.start()
    problems = []
    overall_peak = before
    for kind, seconds, args in plan(topic):
        sampler.reset()
        slow_before, idle_before = timeouts(http, "slow_frame"), timeouts(http, "idle")
        try:
            out = subprocess.run([sys.executable, ATTACKS, kind, gateway, "--seconds", str(seconds)] + args,
                                 capture_output=True, text=True, timeout=seconds + 60)
            result = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else f"exit {out.returncode}: {out.stderr[-300:]}"
            if out.returncode != 0:
                problems.append(f"{kind}: attacks.py exited {out.returncode}: {out.stderr.strip()[-300:]}")
        except subprocess.TimeoutExpired:
            result = "timed out"
            problems.append(f"{kind}: attacks.py did not stop within {seconds + 60} s")
        with sampler.lock:
            peak_rss, peak = sampler.peak_rss, dict(sampler.peak)
        overall_peak = max(overall_peak, peak_rss)
        try:
            os.kill(pid, 0)
        except OSError:
            problems.append(f"kgate died during {kind}")
            break
        slow = timeouts(http, "slow_frame") - slow_before
        idle = timeouts(http, "idle") - idle_before
        print(f"{kind}: RSS peak +{(peak_rss - before) / MIB:.0f} MiB; held at most "
              f"{peak.get(('kgate_memory_budget_held_bytes', 'requests'), 0) / MIB:.1f} MiB of requests, "
              f"{peak.get(('kgate_memory_budget_held_bytes', 'responses'), 0) / MIB:.1f} MiB of answers; paused at most "
              f"{peak.get(('kgate_memory_budget_paused_connections', 'requests'), 0):.0f} reading requests, "
              f"{peak.get(('kgate_memory_budget_paused_connections', 'responses'), 0):.0f} reading answers; "
              f"timeouts: {slow:.0f} slow frames, {idle:.0f} idle; attack: {result}", flush=True)
        if peak_rss - before > allowed:
            problems.append(f"{kind}: RSS grew by {(peak_rss - before) / MIB:.0f} MiB, over the bound "
                            f"{allowed / MIB:.0f} MiB")
        if kind == "large-frames" and peak.get(("kgate_memory_budget_paused_connections", "requests"), 0) < 1:
            problems.append("large-frames: the request budget never paused a connection")
        if kind == "trickle" and slow < TRICKLE_CONNECTIONS * 9 // 10:
            problems.append(f"trickle: {slow:.0f} of {TRICKLE_CONNECTIONS} trickled frames closed by the slow-frame timeout")
        held, paused = settle(http)
        if held or paused:
            problems.append(f"{kind}: {held:.0f} bytes still held and {paused:.0f} connections paused {SETTLE_S} s after it")
        if kind == "idle":
            # The attack opens connections for the first half of its time and closes them at its
            # end; kgate closes each about 5 s after it opened (3 s idle, checked every 2 s).
            try:
                counts = json.loads(result)
            except ValueError:
                counts = {}
            held, by_gateway = counts.get("held", 0), counts.get("closed_by_gateway", 0)
            if held < 100 or by_gateway < held // 2 or idle < by_gateway * 9 // 10:
                problems.append(f"idle: of {held} idle connections held, {by_gateway} closed by kgate before the attack "
                                f"ended, {idle:.0f} counted as idle timeouts")
    sampler.stop.set()
    # Recovery: memory returned, nothing held or paused once the attackers are gone.
    deadline = time.monotonic() + RECOVER_S
    while True:
        held, paused = budgets_in_use(http)
        after = kp.rss(pid)
        if (after - before < RETURNED_WITHIN and held == 0 and paused == 0) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    if after - before >= RETURNED_WITHIN:
        problems.append(f"RSS still +{(after - before) / MIB:.0f} MiB {RECOVER_S} s after the attacks")
    if held or paused:
        problems.append(f"after the attacks: {held:.0f} bytes still held, {paused:.0f} connections paused")
    print(f"hostile clients: RSS {before / MIB:.0f} MiB before, peak +{(overall_peak - before) / MIB:.0f} MiB (bound "
          f"+{allowed / MIB:.0f}), +{(after - before) / MIB:.0f} MiB after; "
          + ("OK" if not problems else "FAILED " + "; ".join(problems)), flush=True)
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
