#!/usr/bin/env python3
"""The request memory budget under attack, with honest clients beside the attackers.

    memory_budget_e2e.py KGATE MOCK_CLUSTER E2E_BINARY WORKDIR

kgate (--request-memory-budget 32 MiB, 2 workers) runs in front of librdkafka's mock cluster
(3 brokers, topic `orders` with 6 partitions). While an idempotent producer and a consumer
group member (kgate-e2e) run through it, 40 connections announce 100 MB frames (under the
default --max-frame-size), send 25 MB of each and wait. kgate's resident memory (VmRSS) must
stay within the budget, the one frame the budget's pass lets through (25 MB) and MARGIN over
what it was; most attackers must be paused; once they close, memory must be returned and
nothing stay paused or held; the producer must finish after the attack with every message
read back exactly once by the consumer. Bounded: every process stops within LIMIT_S. Prints one
summary line (details on stderr); exit 0 on success, 1 on failure.
"""
import os
import selectors
import shutil
import socket
import struct
import subprocess
import tempfile
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kgate_probe as kp  # noqa: E402

ATTACKERS = 40
ANNOUNCED = 100 * 1000 * 1000  # under kgate's default --max-frame-size (100 MiB)
SENT = 25 * 1000 * 1000
CHUNK = 256 * 1024
ATTACK_S = 20.0       # sending stops when kgate stops reading for STALL_S, or at this limit
STALL_S = 3.0
HOLD_S = 5.0          # then the attackers wait, holding their connections
RECOVER_S = 15.0
MARGIN = 24 * 1024 * 1024  # allocator and thread stacks beside the budget
RETURNED_WITHIN = 16 * 1024 * 1024  # after the attack, RSS back within this of the start
MIB = 1024 * 1024
BUDGET = 32 * MIB
MESSAGES = 20000
LIMIT_S = 150


def attack(gateway, pid, samples):
    """Opens the attackers and sends until kgate stops taking bytes; returns the sockets."""
    host, port = gateway.rsplit(":", 1)
    sel = selectors.DefaultSelector()
    left = {}
    socks = []
    for _ in range(ATTACKERS):
        s = socket.create_connection((host, int(port)), timeout=5)
        s.setblocking(False)
        socks.append(s)
        left[s] = SENT
        s.send(struct.pack(">i", ANNOUNCED))
        sel.register(s, selectors.EVENT_WRITE)
    chunk = b"\0" * CHUNK
    start = last_progress = time.monotonic()
    while left and time.monotonic() - start < ATTACK_S and time.monotonic() - last_progress < STALL_S:
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            try:
                n = s.send(chunk[: min(CHUNK, left[s])])
            except BlockingIOError:
                continue
            if n > 0:
                last_progress = time.monotonic()
            left[s] -= n
            if left[s] == 0:
                sel.unregister(s)
                del left[s]
        samples.append(kp.rss(pid))
    sel.close()
    sent = sum(SENT - left.get(s, 0) for s in socks)
    return socks, sent, len(left)


def attack_and_check(gateway, pid, url, budget):
    problems = []
    before = kp.rss(pid)
    samples = [before]
    socks, sent, unfinished = attack(gateway, pid, samples)
    print(f"budget-attack: {ATTACKERS} connections announced {ANNOUNCED} bytes each and sent {sent / MIB:.0f} MiB "
          f"({unfinished} could not send all {SENT} bytes: kgate stopped reading them)", file=sys.stderr)
    held_seen = paused_seen = 0.0
    hold_until = time.monotonic() + HOLD_S
    while time.monotonic() < hold_until:
        samples.append(kp.rss(pid))
        m = kp.labelled_metrics(url)
        held_seen = max(held_seen, m.get(("kgate_memory_budget_held_bytes", "requests"), 0))
        paused_seen = max(paused_seen, m.get(("kgate_memory_budget_paused_connections", "requests"), 0))
        time.sleep(0.25)
    peak = max(samples)
    allowed = budget + SENT + MARGIN
    print(f"budget-attack: RSS {before / MIB:.0f} MiB before, peak {peak / MIB:.0f} MiB (+{(peak - before) / MIB:.0f}; "
          f"allowed +{allowed / MIB:.0f}: budget {budget / MIB:.0f} MiB, one frame with the pass {SENT / MIB:.0f} MiB, "
          f"margin {MARGIN / MIB:.0f} MiB); held against the budget at most {held_seen / MIB:.1f} MiB, "
          f"{paused_seen:.0f} connections paused", file=sys.stderr)
    if peak - before > allowed:
        problems.append(f"RSS grew by {(peak - before) / MIB:.0f} MiB, over the {allowed / MIB:.0f} MiB allowed")
    if held_seen > budget * 3 // 2 + SENT + 2 * MIB:  # the rule's bound (memory_budget.h)
        problems.append(f"{held_seen / MIB:.1f} MiB held against a {budget / MIB:.0f} MiB budget")
    if paused_seen < ATTACKERS / 2:
        problems.append(f"only {paused_seen:.0f} of {ATTACKERS} attackers paused")
    if unfinished < ATTACKERS / 2:
        problems.append(f"kgate took all 25 MB from {ATTACKERS - unfinished} attackers")

    for s in socks:
        s.close()
    deadline = time.monotonic() + RECOVER_S
    after = kp.rss(pid)
    m = {}
    while time.monotonic() < deadline:
        after = kp.rss(pid)
        m = kp.labelled_metrics(url)
        if (after - before <= RETURNED_WITHIN and m.get(("kgate_memory_budget_paused_connections", "requests"), 1) == 0
                and m.get(("kgate_memory_budget_held_bytes", "requests"), MIB) < MIB):
            break
        time.sleep(0.25)
    held_after = m.get(("kgate_memory_budget_held_bytes", "requests"), -1)
    paused_after = m.get(("kgate_memory_budget_paused_connections", "requests"), -1)
    pauses = m.get(("kgate_memory_budget_pauses_total", "requests"), 0)
    print(f"budget-attack: after the attackers closed: RSS {after / MIB:.0f} MiB, held {held_after:.0f} bytes, "
          f"{paused_after:.0f} paused, {pauses:.0f} pauses in all", file=sys.stderr)
    if after - before > RETURNED_WITHIN:
        problems.append(f"RSS still {(after - before) / MIB:.0f} MiB over the start {RECOVER_S:.0f} s after the attack")
    if paused_after != 0 or not 0 <= held_after < MIB:
        problems.append(f"budget not released: {held_after:.0f} bytes held, {paused_after:.0f} paused")
    status = "OK" if not problems else "FAILED"
    print(f"budget-attack: {status} peak RSS +{(peak - before) / MIB:.0f} MiB under {ATTACKERS} x 25 MB "
          f"(budget {budget / MIB:.0f} MiB), {paused_seen:.0f} paused, back to +{(after - before) / MIB:.0f} MiB after"
          + ("; " + "; ".join(problems) if problems else ""))
    return not problems


def e2e(e2e_binary, command, common, run_id, extra, out_path):
    with open(out_path, "w") as out:
        return subprocess.Popen([e2e_binary, command, "--label", "honest"] + common + ["--run-id", run_id] + extra,
                                stdout=out, stderr=subprocess.STDOUT)


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    kgate, mock_cluster, e2e_binary, workdir = sys.argv[1:]
    os.makedirs(workdir, exist_ok=True)
    workdir = tempfile.mkdtemp(prefix="run.", dir=workdir)  # fresh state: saved routes would keep old ports
    ready_file = os.path.join(workdir, "mock.ready")
    if os.path.exists(ready_file):
        os.remove(ready_file)
    with open(os.path.join(workdir, "mock.log"), "w") as log:
        mock = subprocess.Popen([mock_cluster, "--brokers", "3", "--topic", "orders:6", "--seconds", str(LIMIT_S),
                                 "--ready-file", ready_file, "--control-port-file", os.path.join(workdir, "mock.port")],
                                stdout=log, stderr=subprocess.STDOUT)
    server = None
    clients = []
    try:
        deadline = time.monotonic() + 20
        while not (os.path.exists(ready_file) and os.path.getsize(ready_file) > 0):
            if mock.poll() is not None or time.monotonic() > deadline:
                print("memory_budget_e2e: FAILED the mock cluster did not start")
                return 1
            time.sleep(0.1)
        with open(ready_file) as f:
            brokers = f.readline().strip()
        base = kp.free_port_range(22)
        gateway = f"127.0.0.1:{base}"
        metrics_at = f"127.0.0.1:{base + 21}"
        server = kp.Kgate(kgate, ["--upstream", brokers, "--listen", gateway, "--broker-ports", f"{base + 1}-{base + 20}",
                                  "--http-listen", metrics_at, "--admin-listen", "off", "--state-dir",
                                  os.path.join(workdir, "state"), "--workers", "2", "--request-memory-budget", str(BUDGET)],
                           os.path.join(workdir, "kgate.log"), LIMIT_S)
        if not server.wait_ready("ready: 3 brokers"):
            print(f"memory_budget_e2e: FAILED kgate did not become ready:\n{server.log()[-2000:]}")
            return 1
        common = ["--bootstrap", gateway, "--gateway-ports", f"{base}-{base + 20}", "--upstream", brokers, "--topic", "orders"]
        run_id = f"budget{os.getpid()}"
        started = os.path.join(workdir, "produce.started")
        if os.path.exists(started):
            os.remove(started)
        consumer = e2e(e2e_binary, "consume", common, run_id, ["--group", f"budget-{os.getpid()}", "--consumers", "1",
                                                                 "--expect", str(MESSAGES), "--timeout-s", "100"],
                       os.path.join(workdir, "consume.out"))
        producer = e2e(e2e_binary, "produce", common, run_id, ["--count", str(MESSAGES), "--duration-ms", "25000",
                                                                 "--timeout-s", "100", "--strict", "--started-file", started],
                       os.path.join(workdir, "produce.out"))
        clients = [consumer, producer]
        deadline = time.monotonic() + 20
        while not os.path.exists(started) and producer.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(2)
        ok = attack_and_check(gateway, server.pid, metrics_at, BUDGET)
        if producer.poll() is not None:
            print("memory_budget_e2e: the honest producer finished before the attack was over", file=sys.stderr)
            ok = False
        for client, name in ((producer, "produce"), (consumer, "consume")):
            status = client.wait(timeout=LIMIT_S)
            with open(os.path.join(workdir, f"{name}.out")) as f:
                print(f.read().strip(), file=sys.stderr)
            ok = ok and status == 0
        status = server.stop()
        if status != 0:
            print(f"memory_budget_e2e: kgate exited with status {status} on SIGTERM", file=sys.stderr)
            ok = False
        if ok:
            if os.environ.get("KGATE_E2E_KEEP") != "1":
                shutil.rmtree(workdir, ignore_errors=True)
            print(f"memory_budget_e2e: OK {MESSAGES} messages produced and read back exactly through the attack")
        else:
            print(f"memory_budget_e2e: FAILED (details above; logs in {workdir})")
        return 0 if ok else 1
    finally:
        for client in clients:
            if client.poll() is None:
                client.kill()
        if server is not None and server.proc.poll() is None:
            server.stop()
        mock.terminate()
        try:
            mock.wait(timeout=15)
        except subprocess.TimeoutExpired:
            mock.kill()


if __name__ == "__main__":
    sys.exit(main())
