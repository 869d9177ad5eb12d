#!/usr/bin/env python3
"""Hostile clients against a live kgate (issue 15): connection limits and client-side timeouts.

    limits_attacks.py GATEWAY_HOST:PORT METRICS_URL PER_ADDRESS IDLE_MS GRACE_MS MIN_RATE

kgate must run with --max-connections-per-address PER_ADDRESS, --connections-max-idle-ms
IDLE_MS, --frame-grace-ms GRACE_MS and --frame-min-bytes-per-second MIN_RATE. Each attack comes
from its own loopback address (127.0.0.2 and up) so the honest clients on 127.0.0.1 keep their
own per-address count:

  per-address: PER_ADDRESS connections from one address are held, the next ones are closed at
               once without a byte read, another address is still served, and once the held ones
               close the first address is served again;
  churn:       connections opened and dropped in a loop, far more than PER_ADDRESS in all: none
               refused (every slot given back) and the open-connections gauge back to where it was;
  idle:        IDLE_COUNT connections that send nothing, spread over addresses: each closed by
               kgate no sooner than IDLE_MS after it opened and not much later;
  slowloris:   frames whose bytes trickle in, announced small or at 100 MB, closed once what has
               arrived falls behind MIN_RATE with GRACE_MS set aside (the announced size buys no
               time); a frame arriving at twice MIN_RATE stays open; a slow but honest
               ApiVersions is answered.

Every socket has a deadline; the whole run is bounded (about 30 s). Prints one line per attack
and exits 0 when all hold, 1 otherwise.
"""
import re
import selectors
import socket
import struct
import sys
import time
import urllib.request

import kafka_wire as kw

IDLE_COUNT = 2400
IDLE_ADDRESSES = 8       # 300 each, under PER_ADDRESS
CHURN_ROUNDS = 40
CHURN_BURST = 50
SLOW_FRAMES = 10         # half announce SLOW_FRAME_SIZE, half LARGE_FRAME_SIZE
SLOW_FRAME_SIZE = 2000
LARGE_FRAME_SIZE = 100 * 1000 * 1000
TRICKLE_BYTES_PER_S = 4
HONEST_CONNECTIONS = 20  # the honest producer's connections and a few more
CHECK_SLACK_S = 2.5      # kgate checks at least every min(grace, margin); plus scheduling


def connect_from(source, gateway, timeout=5.0):
    host, port = gateway.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=timeout, source_address=(source, 0))
    sock.settimeout(timeout)
    return sock


def metrics(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode()


def metric(text, name, labels=""):
    """The value of one sample (labels as they appear between the braces), summed when the
    labels are left out and several match."""
    total = 0.0
    found = False
    pattern = re.compile(r"^" + re.escape(name) + (r"\{" + re.escape(labels) + r"\}" if labels else r"(\{[^}]*\})?") + r" (\S+)$")
    for line in text.splitlines():
        m = pattern.match(line)
        if m:
            total += float(m.group(m.lastindex))
            found = True
    return total if found else None


def settled_connections(url, honest=HONEST_CONNECTIONS, seconds=10):
    """kgate's open client connections once it holds no more than `honest` (by default about
    what the honest producer holds), or after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        now = metric(metrics(url), "kgate_client_connections") or 0
        if now <= honest or time.monotonic() > deadline:
            return now
        time.sleep(0.2)


def answered_api_versions(sock, correlation_id=7):
    """An answer to ApiVersions v3: its own, or UNSUPPORTED_VERSION with the versions to use
    (the mock brokers know v2 at most)."""
    sock.sendall(kw.api_versions_request(correlation_id=correlation_id, version=3))
    return api_versions_answer(sock, correlation_id)


def api_versions_answer(sock, correlation_id):
    corr, err, _ = kw.parse_api_versions_response(kw.read_frame(sock), 3)
    return corr == correlation_id and err in (0, kw.UNSUPPORTED_VERSION)


def served_from(source, gateway):
    try:
        with connect_from(source, gateway) as s:
            return answered_api_versions(s)
    except (OSError, EOFError, ValueError, struct.error):
        return False


def eof_times(socks, seconds):
    """{socket: time of EOF or reset} for those the peer closed within `seconds`."""
    sel = selectors.DefaultSelector()
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    closed = {}
    deadline = time.monotonic() + seconds
    while len(closed) < len(socks):
        left = deadline - time.monotonic()
        if left <= 0:
            break
        for key, _ in sel.select(timeout=min(left, 0.5)):
            s = key.fileobj
            try:
                data = s.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                closed[s] = time.monotonic()
                sel.unregister(s)
    sel.close()
    return closed


def per_address(gateway, url, limit):
    before = metric(metrics(url), "kgate_connections_refused_total", 'reason="max_connections_per_address"') or 0
    held = [connect_from("127.0.0.2", gateway) for _ in range(limit)]
    # Held connections are admitted at once: the extra ones come after every one of them.
    time.sleep(0.5)
    extra = [connect_from("127.0.0.2", gateway) for _ in range(20)]
    closed_extra = eof_times(extra, 3.0)
    closed_held = eof_times(held[:50], 0.5)  # a sample: still open
    other_served = served_from("127.0.0.3", gateway)
    refused = (metric(metrics(url), "kgate_connections_refused_total", 'reason="max_connections_per_address"') or 0) - before
    for s in held + extra:
        s.close()
    deadline = time.monotonic() + 5
    served_again = False
    while not served_again and time.monotonic() < deadline:
        served_again = served_from("127.0.0.2", gateway)
        if not served_again:
            time.sleep(0.2)
    problems = []
    if len(closed_extra) != 20:
        problems.append(f"{len(closed_extra)}/20 connections over the limit closed within 3 s")
    if closed_held:
        problems.append(f"{len(closed_held)} of the {limit} held connections closed")
    if refused != 20:
        problems.append(f"kgate_connections_refused_total{{reason=max_connections_per_address}} grew by {refused:.0f}, not 20")
    if not other_served:
        problems.append("another address was not served while 127.0.0.2 was at its limit")
    if not served_again:
        problems.append("127.0.0.2 not served again within 5 s of its connections closing")
    return problems, (f"{limit} held from 127.0.0.2, {len(closed_extra)}/20 more closed at once, {refused:.0f} counted, "
                      f"127.0.0.3 {'served' if other_served else 'not served'} meanwhile, 127.0.0.2 "
                      f"{'served' if served_again else 'not served'} again after")


def churn(gateway, url, limit):
    """Bursts of connections opened and dropped at once (reset, as a crashing client), far more
    than `limit` in all. kgate may refuse some while it has not yet seen the drops of earlier
    bursts; once it has, every slot must be back: `limit` connections are admitted again."""
    # The attack before left connections kgate may still be closing: start from the honest ones.
    open_before = settled_connections(url)
    refused_before = metric(metrics(url), "kgate_connections_refused_total") or 0
    opened = 0
    for round_ in range(CHURN_ROUNDS):
        burst = []
        for _ in range(CHURN_BURST):
            try:
                burst.append(connect_from("127.0.0.2", gateway))
            except OSError:
                pass
        if round_ % 2:  # half the rounds send a request first, then drop without reading
            for s in burst:
                try:
                    s.sendall(kw.api_versions_request(correlation_id=1, version=3))
                except OSError:
                    pass
        opened += len(burst)
        for s in burst:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
    open_now = settled_connections(url, open_before + 5)
    refused_in_churn = (metric(metrics(url), "kgate_connections_refused_total") or 0) - refused_before
    time.sleep(0.5)  # the last releases travel through the control loop
    refused_before = metric(metrics(url), "kgate_connections_refused_total") or 0
    held = [connect_from("127.0.0.2", gateway) for _ in range(limit)]
    closed = eof_times(held, 1.0)
    refused_after = (metric(metrics(url), "kgate_connections_refused_total") or 0) - refused_before
    for s in held:
        s.close()
    problems = []
    if opened != CHURN_ROUNDS * CHURN_BURST:
        problems.append(f"only {opened}/{CHURN_ROUNDS * CHURN_BURST} connections could be opened")
    if open_now > open_before + 5:
        problems.append(f"kgate_client_connections {open_now:.0f} did not come back to {open_before:.0f} within 10 s")
    if closed or refused_after:
        problems.append(f"after the churn {len(closed)} of {limit} new connections closed, {refused_after:.0f} refused: "
                        f"slots were not given back")
    return problems, (f"{opened} connections opened and dropped from 127.0.0.2 in {CHURN_ROUNDS} bursts "
                      f"({refused_in_churn:.0f} refused while kgate still held earlier ones), open connections back to "
                      f"{open_now:.0f}, then {limit - len(closed)}/{limit} slots of 127.0.0.2 free again")


def idle(gateway, url, idle_s):
    before = metric(metrics(url), "kgate_timeouts_total", 'kind="idle"') or 0
    socks, opened_at = [], {}
    start = time.monotonic()
    for i in range(IDLE_COUNT):
        s = connect_from(f"127.0.0.{4 + i % IDLE_ADDRESSES}", gateway)
        socks.append(s)
        opened_at[s] = time.monotonic()
    open_s = time.monotonic() - start
    # Past the time kgate needs to set them all up, before any may be closed: all held at once.
    time.sleep(max(idle_s * 0.6 - open_s, 0))
    held = metric(metrics(url), "kgate_client_connections") or 0
    closed = eof_times(socks, idle_s + CHECK_SLACK_S + open_s + 2)
    early = [closed[s] - opened_at[s] for s in closed if closed[s] - opened_at[s] < idle_s - 0.2]
    late = [closed[s] - opened_at[s] for s in closed if closed[s] - opened_at[s] > idle_s + CHECK_SLACK_S + 2]
    for s in socks:
        s.close()
    counted = (metric(metrics(url), "kgate_timeouts_total", 'kind="idle"') or 0) - before
    problems = []
    if len(closed) != IDLE_COUNT:
        problems.append(f"{len(closed)}/{IDLE_COUNT} idle connections closed")
    if early:
        problems.append(f"{len(early)} closed before {idle_s:.1f} s (earliest {min(early):.2f} s)")
    if late:
        problems.append(f"{len(late)} closed after {idle_s + CHECK_SLACK_S + 2:.1f} s (latest {max(late):.2f} s)")
    if held < IDLE_COUNT:
        problems.append(f"kgate held {held:.0f} connections at {idle_s * 0.6:.1f} s, not all {IDLE_COUNT}")
    if counted < IDLE_COUNT:
        problems.append(f"kgate_timeouts_total{{kind=idle}} grew by {counted:.0f}, under {IDLE_COUNT}")
    spans = [closed[s] - opened_at[s] for s in closed] or [0]
    return problems, (f"{IDLE_COUNT} idle connections opened in {open_s:.1f} s (kgate held {held:.0f} at once), "
                      f"{len(closed)} closed after {min(spans):.2f}-{max(spans):.2f} s, counted {counted:.0f}")


def slowloris(gateway, url, grace_s, min_rate):
    before = metric(metrics(url), "kgate_timeouts_total", 'kind="slow_frame"') or 0
    # Past the grace, what arrived must keep up with the floor: at 4 bytes a second a frame falls
    # behind at grace x rate / (rate - 4), a little after the grace, whatever it announced.
    allowance = grace_s * min_rate / (min_rate - TRICKLE_BYTES_PER_S)
    sizes = [SLOW_FRAME_SIZE if i % 2 == 0 else LARGE_FRAME_SIZE for i in range(SLOW_FRAMES)]
    trickling = [connect_from("127.0.0.12", gateway) for _ in range(SLOW_FRAMES)]
    prefix_only = connect_from("127.0.0.12", gateway)
    steady = connect_from("127.0.0.12", gateway)  # a large frame at twice the floor
    start = time.monotonic()
    prefix_only.sendall(struct.pack(">i", 100)[:2])  # half a size prefix, then nothing
    steady.sendall(struct.pack(">i", LARGE_FRAME_SIZE))
    for s, size in zip(trickling, sizes):
        s.sendall(struct.pack(">i", size))
    closed = {}
    steady_chunk = b"\0" * (2 * min_rate // 4)
    steady_open = True
    # One byte per connection every 0.25 s; the steady one sends half a second of its rate each time.
    while time.monotonic() - start < max(allowance + CHECK_SLACK_S, 3 * grace_s) and steady_open:
        for s in trickling:
            if s in closed:
                continue
            try:
                s.sendall(b"\0")
            except OSError:
                closed[s] = time.monotonic()
        try:
            steady.sendall(steady_chunk)
        except OSError:
            steady_open = False
        waiting = [s for s in trickling if s not in closed]
        if not waiting:
            time.sleep(0.25)
        for s, t in eof_times(waiting, 0.25).items():
            closed[s] = t
    steady_open = steady_open and not eof_times([steady], 0.05)
    steady_s = time.monotonic() - start
    prefix_closed = eof_times([prefix_only], 1.0)
    # An honest client on a slow link: ApiVersions in three pieces 0.3 s apart is answered.
    honest_ok = False
    with connect_from("127.0.0.12", gateway) as s:
        request = kw.api_versions_request(correlation_id=9, version=3)
        for i in range(3):
            s.sendall(request[i * len(request) // 3:(i + 1) * len(request) // 3])
            time.sleep(0.3)
        try:
            honest_ok = api_versions_answer(s, 9)
        except (OSError, EOFError, ValueError, struct.error):
            pass
    spans = [t - start for t in closed.values()] or [0]
    large_closed = sum(1 for s, size in zip(trickling, sizes) if size == LARGE_FRAME_SIZE and s in closed)
    counted = (metric(metrics(url), "kgate_timeouts_total", 'kind="slow_frame"') or 0) - before
    for s in trickling + [prefix_only, steady]:
        s.close()
    problems = []
    if len(closed) != SLOW_FRAMES:
        problems.append(f"{len(closed)}/{SLOW_FRAMES} trickling frames closed within {allowance + CHECK_SLACK_S:.1f} s "
                        f"({large_closed} of those announced at {LARGE_FRAME_SIZE} bytes)")
    if closed and min(spans) < allowance - 0.2:
        problems.append(f"a trickling frame closed after {min(spans):.2f} s, before its allowance {allowance:.2f} s")
    if not steady_open:
        problems.append(f"a frame arriving at twice the floor was closed within {steady_s:.1f} s")
    if not prefix_closed:
        problems.append("half a size prefix then silence was not closed")
    if counted != SLOW_FRAMES + 1:
        problems.append(f"kgate_timeouts_total{{kind=slow_frame}} grew by {counted:.0f}, not {SLOW_FRAMES + 1}")
    if not honest_ok:
        problems.append("a slow but honest ApiVersions was not answered")
    return problems, (f"{len(closed)}/{SLOW_FRAMES} frames announced at {SLOW_FRAME_SIZE} or {LARGE_FRAME_SIZE} bytes, "
                      f"sent at {TRICKLE_BYTES_PER_S} bytes/s, closed after {min(spans):.2f}-{max(spans):.2f} s "
                      f"(allowance {allowance:.2f} s); one at twice the floor "
                      f"{'still open' if steady_open else 'closed'} after {steady_s:.1f} s; half a prefix "
                      f"{'closed' if prefix_closed else 'left open'}, a slow honest ApiVersions "
                      f"{'answered' if honest_ok else 'not answered'}")


def main():
    if len(sys.argv) != 7:
        print(__doc__, file=sys.stderr)
        return 2
    gateway, url = sys.argv[1], sys.argv[2]
    limit, idle_ms, grace_ms, min_rate = (int(a) for a in sys.argv[3:])
    failed = False
    for name, attack in [("per-address", lambda: per_address(gateway, url, limit)),
                         ("churn", lambda: churn(gateway, url, limit)),
                         ("idle", lambda: idle(gateway, url, idle_ms / 1000)),
                         ("slowloris", lambda: slowloris(gateway, url, grace_ms / 1000, min_rate))]:
        t = time.monotonic()
        try:
            problems, summary = attack()
        except (OSError, EOFError, ValueError, struct.error) as e:
            problems, summary = [f"{type(e).__name__}: {e}"], "did not finish"
        failed |= bool(problems)
        status = "OK" if not problems else "FAILED " + "; ".join(problems)
        print(f"limits: {name}: {status} ({time.monotonic() - t:.1f} s): {summary}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
