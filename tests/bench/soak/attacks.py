#!/usr/bin/env python3
"""The soak's hostile clients (tests/bench/soak/run.sh), one bounded attack per run:

    attacks.py KIND GATEWAY_HOST:PORT --seconds S [options]

KIND is one of
  large-frames  --connections C --announce BYTES --send-each BYTES
                each connection announces a frame of BYTES and sends --send-each of it,
                spread over the first 60% of the time, then waits without finishing it.
  trickle       the same with a small --send-each: frames that arrive a few hundred bytes a
                second (slowloris), holding connections rather than memory.
  idle          --connections C: opens C connections, each asks ApiVersions once (so the
                gateway has its broker side open too), then holds them all.
  churn         --rate R: R connections a second, each dropped at once in one of four ways
                (plain close, reset, half a header, a whole request left unread).
  noread        --connections C --topic T: each connection sends Fetch requests for every
                partition of T to its leader, from offset 0 with large limits, and never
                reads an answer: the answers pile up somewhere.
  garbage       --rate R: R connections a second, each sending 4 KiB of random bytes.

Loopback only (the gateway address must be in 127.0.0.0/8); everything stops after --seconds
(the caller adds a hard timeout too). A connection the gateway refuses or closes is counted, not
an error: a gateway with limits is expected to refuse some. Prints one JSON line of counts;
exit 0 unless the arguments are wrong or (noread) the topic's leaders cannot be learnt.
"""
import argparse
import ipaddress
import json
import os
import random
import resource
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "integration"))
import kafka_wire as kw  # noqa: E402

METADATA, FETCH, PRODUCE = 3, 1, 0
CHUNK = 64 * 1024


def parse_address(text):
    host, port = text.rsplit(":", 1)
    if not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"attacks.py: {host} is not a loopback address")
    return host, int(port)


def nonblocking_connect(address, timeout=2.0):
    sock = socket.create_connection(address, timeout=timeout)
    sock.setblocking(False)
    return sock


def try_send(sock, data):
    """Sends what the socket takes now; returns the bytes taken, or -1 once the peer is gone."""
    try:
        return sock.send(data)
    except (BlockingIOError, InterruptedError):
        return 0
    except OSError:
        return -1


def peer_closed(sock):
    """True when the gateway has closed (or reset) this connection; unread answers are dropped."""
    try:
        return sock.recv(65536, socket.MSG_PEEK) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


def close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


def large_frames(args, address, deadline):
    """Frames announced large and trickled: what the gateway holds is what it has read."""
    socks, refused = [], 0
    for _ in range(args.connections):
        try:
            socks.append(nonblocking_connect(address))
        except OSError:
            refused += 1
    # A Produce request header, then filler: nothing the gateway can act on before the end.
    header = kw.request_header_v1(PRODUCE, 3, 1, b"soak-large")
    prefix = struct.pack(">i", args.announce) + header
    sent = [0] * len(socks)
    gone = [False] * len(socks)
    start = time.monotonic()
    ramp = max(1.0, 0.6 * args.seconds)
    filler = bytes(CHUNK)
    while time.monotonic() < deadline:
        share = min(1.0, (time.monotonic() - start) / ramp)
        due = int(args.send_each * share)
        for i, s in enumerate(socks):
            if gone[i]:
                continue
            while sent[i] < due:
                data = prefix[sent[i]:] if sent[i] < len(prefix) else filler[: min(CHUNK, due - sent[i])]
                n = try_send(s, data)
                if n < 0:
                    gone[i] = True
                    break
                if n == 0:
                    break  # the gateway stopped reading this one for now
                sent[i] += n
            if not gone[i] and peer_closed(s):
                gone[i] = True
        time.sleep(0.05)
    close_all(socks)
    return {"connections": len(socks), "refused": refused, "closed_by_gateway": sum(gone),
            "bytes_sent": sum(sent), "announced_each": args.announce}


def idle(args, address, deadline):
    """Many connections that do nothing after one ApiVersions exchange."""
    # Two descriptors per connection in the gateway, one here: stay well inside the soft limit.
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(args.connections, soft - 100)
    socks, refused, answered = [], 0, 0
    open_until = time.monotonic() + 0.5 * (deadline - time.monotonic())
    for i in range(want):
        if time.monotonic() >= open_until:
            break
        try:
            s = socket.create_connection(address, timeout=2.0)
            s.sendall(kw.api_versions_request(i, version=0))
            kw.read_frame(s)
            answered += 1
            s.setblocking(False)
            socks.append(s)
        except (OSError, EOFError, ValueError):
            refused += 1
            if refused > 100 and refused > len(socks):
                break  # the gateway refuses most: holding what it took is the attack
    held_at_start = len(socks)
    while time.monotonic() < deadline:
        time.sleep(0.5)
    closed = sum(1 for s in socks if peer_closed(s))
    close_all(socks)
    return {"wanted": want, "held": held_at_start, "answered": answered, "refused": refused,
            "closed_by_gateway": closed}


def churn(args, address, deadline):
    """Connections opened and dropped in a loop, each a different way."""
    counts = {"close": 0, "reset": 0, "half-header": 0, "unread-request": 0, "refused": 0}
    n = 0
    start = time.monotonic()
    while time.monotonic() < deadline:
        due = start + n / args.rate
        if time.monotonic() < due:
            time.sleep(min(0.05, due - time.monotonic()))
            continue
        way = ("close", "reset", "half-header", "unread-request")[n % 4]
        n += 1
        try:
            with socket.create_connection(address, timeout=2.0) as s:
                if way == "reset":
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                elif way == "half-header":
                    s.sendall(kw.api_versions_request(n)[:6])
                elif way == "unread-request":
                    s.sendall(kw.api_versions_request(n, version=0))
            counts[way] += 1
        except OSError:
            counts["refused"] += 1
    return counts


def metadata_v1(sock, topic):
    """Brokers {node_id: (host, port)} and leaders {partition: node_id} of one topic."""
    name = topic.encode()
    body = struct.pack(">i", 1) + struct.pack(">h", len(name)) + name
    sock.sendall(kw.frame(kw.request_header_v1(METADATA, 1, 7, b"soak-noread") + body))
    c = kw.Cursor(kw.read_frame(sock))
    c.take(">i")  # correlation id
    brokers = {}
    for _ in range(c.take(">i")):
        node, host = c.take(">i"), c.string()
        port = c.take(">i")
        c.string()  # rack
        brokers[node] = (host, port)
    c.take(">i")  # controller
    leaders = {}
    for _ in range(c.take(">i")):
        c.take(">h")
        c.string()
        c.take(">b")
        for _ in range(c.take(">i")):
            c.take(">h")
            partition, leader = c.take(">ii")
            for _ in range(2):  # replicas, in-sync replicas
                nodes = c.take(">i")
                c.pos += 4 * nodes
            leaders[partition] = leader
    return brokers, leaders


def fetch_v4(correlation_id, topic, partitions):
    name = topic.encode()
    body = struct.pack(">iiiib", -1, 0, 1, 64 * 1024 * 1024, 0)
    body += struct.pack(">i", 1) + struct.pack(">h", len(name)) + name + struct.pack(">i", len(partitions))
    for p in partitions:
        body += struct.pack(">iqi", p, 0, 1024 * 1024)
    return kw.frame(kw.request_header_v1(FETCH, 4, correlation_id, b"soak-noread") + body)


def noread(args, address, deadline):
    """Fetch requests pipelined on connections whose answers are never read."""
    with socket.create_connection(address, timeout=5.0) as s:
        brokers, leaders = metadata_v1(s, args.topic)
    by_leader = {}
    for partition, leader in leaders.items():
        if leader in brokers:
            by_leader.setdefault(leader, []).append(partition)
    if not by_leader:
        raise SystemExit(f"attacks.py: no leaders known for topic {args.topic}")
    conns, refused = [], 0
    for i in range(args.connections):
        leader = sorted(by_leader)[i % len(by_leader)]
        host, port = brokers[leader]
        try:
            conns.append([nonblocking_connect(parse_address(f"{host}:{port}")), by_leader[leader], b"", False])
        except OSError:
            refused += 1
    requests = 0
    correlation = 0
    while time.monotonic() < deadline:
        for conn in conns:
            sock, partitions, pending, gone = conn
            if gone:
                continue
            if not pending:
                correlation += 1
                pending = fetch_v4(correlation, args.topic, partitions)
                requests += 1
            n = try_send(sock, pending)
            if n < 0 or peer_closed(sock):
                conn[3] = True
                continue
            conn[2] = pending[n:]
        time.sleep(1.0 / args.rate)
    close_all(c[0] for c in conns)
    return {"connections": len(conns), "refused": refused, "fetch_requests": requests,
            "closed_by_gateway": sum(1 for c in conns if c[3]), "leaders": len(by_leader)}


def garbage(args, address, deadline):
    """Random bytes, a fresh connection each time, never waiting for the gateway."""
    rng = random.Random(args.seed)
    sent = refused = 0
    start = time.monotonic()
    n = 0
    while time.monotonic() < deadline:
        due = start + n / args.rate
        if time.monotonic() < due:
            time.sleep(min(0.05, due - time.monotonic()))
            continue
        n += 1
        try:
            with socket.create_connection(address, timeout=2.0) as s:
                s.sendall(rng.randbytes(4096))
            sent += 1
        except OSError:
            refused += 1
    return {"connections": sent, "refused": refused}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["large-frames", "trickle", "idle", "churn", "noread", "garbage"])
    parser.add_argument("gateway")
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--connections", type=int, default=40)
    parser.add_argument("--announce", type=int, default=100_000_000)
    parser.add_argument("--send-each", type=int, default=25_000_000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--topic", default="soak")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    if not 0 < args.seconds <= 3600 or not 0 < args.connections <= 50_000 or not 0 < args.rate <= 10_000:
        raise SystemExit("attacks.py: --seconds, --connections or --rate out of bounds")
    address = parse_address(args.gateway)
    deadline = time.monotonic() + args.seconds
    attack = {"large-frames": large_frames, "trickle": large_frames, "idle": idle, "churn": churn, "noread": noread,
              "garbage": garbage}
    started = time.time()
    result = attack[args.kind](args, address, deadline)
    result.update(kind=args.kind, seconds=round(time.time() - started, 1))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
