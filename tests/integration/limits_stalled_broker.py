#!/usr/bin/env python3
"""kgate in front of a broker that stops answering, and kgate at its open-files limit (issue 15).

    limits_stalled_broker.py KGATE WORKDIR

A fake broker (stdlib only, on 127.0.0.1) answers ApiVersions and Metadata v1 as one broker, but
never answers a request whose client id is "stall". Through a kgate with
--upstream-request-timeout-ms 2000 and --upstream-timeout-margin-ms 1000:
  - a Metadata request (no timeout of its own) loses its pair after 2 + 1 s;
  - a Produce request with TimeoutMs 4000 after 4 + 1 s, not sooner;
  both connections of each pair close (the fake broker sees its end closed too), each is counted in
  kgate_timeouts_total{kind="upstream_request"} and kgate_upstream_failures_total{reason="timeout"},
  and a client with another client id is answered afterwards.
Before that, with --max-connections 3, a fourth connection is closed at once and counted.
Then a kgate whose open-files limit is 64, in front of a broker that stops accepting (so each client
connection holds two descriptors while its broker connection is dialled), gets 100 connections: accepts fail with "Too many
open files", which kgate logs at most once per 10 s (formerly every 100 ms) and counts in
kgate_accept_errors_total{reason="open_files"}; once the held connections close, a new one is
answered and kgate logs that accepting works again.

Bounded: every socket has a deadline, both kgates are stopped within 60 s. Exits 0 on success.
"""
import os
import re
import resource
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kafka_wire as kw  # noqa: E402
import kgate_probe as kp  # noqa: E402

PRODUCE = 0
METADATA = 3
NODE_ID = 5
REQUEST_TIMEOUT_MS = 2000
MARGIN_MS = 1000
PRODUCE_TIMEOUT_MS = 4000
CHECK_SLACK_S = 2.0  # kgate checks at least once per margin; plus scheduling
FILES_LIMIT = 64
MAX_CONNECTIONS = 3
CONNECT_TIMEOUT_MS = 3000


def fail(why):
    print(f"limits_stalled_broker: FAILED {why}")
    sys.exit(1)


class FakeBroker:
    """One broker: ApiVersions (v0 body), Metadata v1; requests from client id "stall" never
    answered. `listener.accepting` cleared with a backlog of 1: connections to it hang."""

    def __init__(self, backlog=64):
        self.stalled_closed = 0  # connections holding a stalled request that kgate closed
        self.lock = threading.Lock()
        self.listener = kw.FakeServer(self.serve, backlog)
        self.port = self.listener.port

    def serve(self, conn):
        conn.settimeout(30)
        stalled = False
        with conn:
            while True:
                try:
                    request = kw.read_frame(conn)
                except (EOFError, OSError):
                    if stalled:
                        with self.lock:
                            self.stalled_closed += 1
                    return
                api_key, version, correlation, id_len = struct.unpack_from(">hhih", request)
                if request[10:10 + max(id_len, 0)] == b"stall":
                    stalled = True
                    continue
                header = struct.pack(">i", correlation)
                if api_key == kw.API_VERSIONS:
                    if version != 0:  # KIP-511: a v0 body, so kgate asks again at v0
                        body = struct.pack(">hi", kw.UNSUPPORTED_VERSION, 1) + struct.pack(">hhh", 18, 0, 0)
                    else:
                        keys = [(PRODUCE, 3, 7), (METADATA, 0, 1), (kw.API_VERSIONS, 0, 0)]
                        body = struct.pack(">hi", 0, len(keys)) + b"".join(struct.pack(">hhh", *k) for k in keys)
                elif api_key == METADATA and version == 1:
                    body = (struct.pack(">ii", 1, NODE_ID) + kw.string("127.0.0.1") + struct.pack(">ihii", self.port, -1, NODE_ID, 0))
                else:
                    return  # anything else: drop, as a broker that does not serve it
                conn.sendall(kw.frame(header + body))


def metadata_request(correlation_id, client_id):
    return kw.frame(kw.request_header_v1(METADATA, 1, correlation_id, client_id) + struct.pack(">i", 0))


def produce_request(correlation_id, client_id, timeout_ms):
    # v7: TransactionalId null, Acks 1, TimeoutMs, no topics (nothing to append).
    body = struct.pack(">hhii", -1, 1, timeout_ms, 0)
    return kw.frame(kw.request_header_v1(PRODUCE, 7, correlation_id, client_id) + body)


def metrics(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        return r.read().decode()


def sample(text, name, labels):
    m = re.search("^" + re.escape(name) + r"\{" + labels + r"\} (\S+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def free_base(count):
    try:
        return kp.free_port_range(count)
    except RuntimeError as e:
        fail(str(e))


def start_kgate(kgate, workdir, name, broker, extra, files_limit=None):
    base = free_base(6)
    log = open(os.path.join(workdir, f"{name}.log"), "w")
    limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (files_limit, files_limit))) if files_limit else None
    proc = subprocess.Popen([kgate, "serve", "--upstream", f"127.0.0.1:{broker.port}", "--listen", f"127.0.0.1:{base}",
                             "--broker-ports", f"{base + 1}-{base + 4}", "--http-listen", f"127.0.0.1:{base + 5}",
                             "--admin-listen", "off", "--state-dir", os.path.join(workdir, f"{name}-state"), *extra],
                            stdout=log, stderr=subprocess.STDOUT, preexec_fn=limit)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with open(log.name, errors="replace") as f:
            if "ready: 1 brokers" in f.read():
                return proc, base, log.name
        if proc.poll() is not None:
            fail(f"{name} exited with {proc.returncode} before it was ready")
        time.sleep(0.1)
    proc.kill()
    fail(f"{name} not ready within 20 s")


def stop_kgate(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return -9


def time_to_eof(sock, seconds):
    start = time.monotonic()
    return time.monotonic() - start if kw.wait_for_eof(sock, seconds) else None


def stalled_broker(kgate, workdir, broker):
    proc, base, _ = start_kgate(kgate, workdir, "kgate-stall", broker,
                                ["--upstream-request-timeout-ms", str(REQUEST_TIMEOUT_MS),
                                 "--upstream-timeout-margin-ms", str(MARGIN_MS),
                                 "--max-connections", str(MAX_CONNECTIONS), "--max-connections-per-address", "0"])
    gateway = f"127.0.0.1:{base}"
    problems = []
    summary = "did not finish"
    try:
        # The total limit first: one connection past it is closed before anything is read.
        held = [kw.connect(gateway) for _ in range(MAX_CONNECTIONS)]
        time.sleep(0.3)
        with kw.connect(gateway) as extra:
            if not kw.wait_for_eof(extra, 2.0):
                problems.append(f"a connection past max-connections {MAX_CONNECTIONS} was not closed within 2 s")
        refused = sample(metrics(base + 5), "kgate_connections_refused_total", 'reason="max_connections"')
        if refused != 1:
            problems.append(f"kgate_connections_refused_total{{reason=max_connections}} {refused:.0f}, not 1")
        for s in held:
            s.close()
        time.sleep(0.5)  # kgate sees them close and gives their places back
        results = {}

        def attempt(name, request, seconds):
            with kw.connect(gateway, timeout=seconds) as s:
                s.sendall(request)
                results[name] = time_to_eof(s, seconds)

        metadata_due = (REQUEST_TIMEOUT_MS + MARGIN_MS) / 1000
        produce_due = (PRODUCE_TIMEOUT_MS + MARGIN_MS) / 1000
        threads = [threading.Thread(target=attempt, args=("metadata", metadata_request(1, b"stall"), metadata_due + 6)),
                   threading.Thread(target=attempt, args=("produce", produce_request(2, b"stall", PRODUCE_TIMEOUT_MS), produce_due + 6))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for name, due in (("metadata", metadata_due), ("produce", produce_due)):
            took = results.get(name)
            if took is None:
                problems.append(f"{name}: still open {due + 6:.0f} s after a request the broker never answers")
            elif not due - 0.2 <= took <= due + CHECK_SLACK_S:
                problems.append(f"{name}: closed after {took:.2f} s, expected {due:.1f}-{due + CHECK_SLACK_S:.1f} s")
        deadline = time.monotonic() + 3
        while broker.stalled_closed < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        if broker.stalled_closed != 2:
            problems.append(f"the broker saw {broker.stalled_closed}/2 of its stalled connections closed")
        with kw.connect(gateway) as s:
            s.sendall(metadata_request(3, b"honest"))
            (corr,) = struct.unpack_from(">i", kw.read_frame(s))
            if corr != 3:
                problems.append(f"an honest Metadata after the timeouts got correlation id {corr}")
        text = metrics(base + 5)
        timeouts = sample(text, "kgate_timeouts_total", 'kind="upstream_request"')
        failures = sample(text, "kgate_upstream_failures_total", 'broker="5",reason="timeout"')
        if timeouts != 2 or failures != 2:
            problems.append(f"kgate_timeouts_total{{kind=upstream_request}} {timeouts:.0f} and "
                            f"kgate_upstream_failures_total{{reason=timeout}} {failures:.0f}, not 2 and 2")
        summary = (f"Metadata closed after {results.get('metadata') or 0:.2f} s (due {metadata_due:.1f}), Produce with "
                   f"TimeoutMs {PRODUCE_TIMEOUT_MS} after {results.get('produce') or 0:.2f} s (due {produce_due:.1f}), "
                   f"{broker.stalled_closed}/2 broker ends closed, {timeouts:.0f} timeouts counted, then an honest Metadata; "
                   f"before that a connection past max-connections {MAX_CONNECTIONS} closed at once ({refused:.0f} counted)")
    finally:
        status = stop_kgate(proc)
    if status != 0:
        problems.append(f"kgate exited with {status} on SIGTERM")
    return problems, summary


def open_files(kgate, workdir, _):
    # Its own broker: once kgate is ready it stops accepting, so every client connection holds
    # two descriptors (its own and the broker connection being dialled) until the connect
    # timeout, and kgate's descriptors stay used up while clients keep coming.
    broker = FakeBroker(backlog=1)
    proc, base, log_path = start_kgate(kgate, workdir, "kgate-files", broker, ["--connect-timeout-ms", str(CONNECT_TIMEOUT_MS)],
                                       files_limit=FILES_LIMIT)
    gateway = f"127.0.0.1:{base}"
    problems = []
    summary = "did not finish"
    socks = []
    try:
        broker.listener.accepting = False
        for _ in range(100):
            s = kw.connect(gateway)
            s.sendall(kw.api_versions_request(correlation_id=1, version=3))
            socks.append(s)
        time.sleep(3.0)  # accepts keep failing meanwhile: 30 lines in the old 100 ms loop
        with open(log_path, errors="replace") as f:
            log = f.read()
        lines = len(re.findall(r"accept on port \d+: Too many open files", log))
        if lines == 0 or lines > 2:
            problems.append(f"{lines} 'Too many open files' lines in 3 s; expected 1 (at most one per 10 s)")
        if "open-files limit 64 holds about" not in log:
            problems.append("no start-up warning that the open-files limit holds fewer than max-connections")
        for s in socks:
            s.close()
        socks = []
        broker.listener.accepting = True
        served = False
        deadline = time.monotonic() + CONNECT_TIMEOUT_MS / 1000 + 6
        while not served and time.monotonic() < deadline:
            try:
                with kw.connect(gateway, timeout=2) as s:
                    s.sendall(kw.api_versions_request(correlation_id=2, version=3))
                    corr, err, _ = kw.parse_api_versions_response(kw.read_frame(s), 3)
                    served = corr == 2 and err in (0, kw.UNSUPPORTED_VERSION)
            except (OSError, EOFError, ValueError, struct.error):
                time.sleep(0.2)
        if not served:
            problems.append(f"no ApiVersions answered within {deadline - time.monotonic():.0f} s after the connections closed")
        errors = sample(metrics(base + 5), "kgate_accept_errors_total", 'reason="open_files"')
        if errors < 2:
            problems.append(f"kgate_accept_errors_total{{reason=open_files}} {errors:.0f}, expected several")
        time.sleep(0.2)
        with open(log_path, errors="replace") as f:
            recovered = re.search(r"accept on port \d+ works again after \d+ failed attempts", f.read())
        if not recovered:
            problems.append("no log line saying accepting works again")
        summary = (f"open-files limit {FILES_LIMIT}, 100 connections: {lines} log line(s) in 3 s, {errors:.0f} failed accepts "
                   f"counted, {'served' if served else 'not served'} after the connections closed")
    finally:
        for s in socks:
            s.close()
        status = stop_kgate(proc)
        broker.listener.stop = True
    if status != 0:
        problems.append(f"kgate exited with {status} on SIGTERM")
    return problems, summary


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    kgate, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    broker = FakeBroker()
    failed = False
    for name, check in (("stalled broker", stalled_broker), ("open-files limit", open_files)):
        t = time.monotonic()
        try:
            problems, summary = check(kgate, workdir, broker)
        except (OSError, EOFError, ValueError, struct.error) as e:
            problems, summary = [f"{type(e).__name__}: {e}"], "did not finish"
        failed |= bool(problems)
        print(f"limits: {name}: {'OK' if not problems else 'FAILED ' + '; '.join(problems)} "
              f"({time.monotonic() - t:.1f} s): {summary}", flush=True)
    broker.listener.stop = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
