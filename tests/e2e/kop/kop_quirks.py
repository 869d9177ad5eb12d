"""KoP quirks kgate smooths with broker-kind: kop, checked through kgate against real KoP brokers.

  kop_quirks.py --bootstrap HOST:PORT --group GROUP --topic TOPIC --partitions N
                [--direct HOST:PORT,...] [--timeout-s S]

1. ApiVersions (v0, raw) through kgate lists only the keys KoP serves, and the ones it serves
   that kgate routes (Produce, Fetch, OffsetFetch, ...) are all there.
2. Metadata (v1, raw) from every gateway broker listener (as the bootstrap lists them) names the same controller, the lowest
   listed node id; asked directly, each broker names its own choice (printed, not checked: KoP
   picks at random).
3. kafka-python's list_group_offsets for all of a group's topics returns its committed offsets
   under the plain topic name: as it negotiates (OffsetFetch v8, KoP names the topics
   public/default/<topic>), and told the broker is Kafka 1.0 (v3 with topics null, which KoP's
   handler cannot answer below v8).
Prints one line per check; exits 1 on the first failure.
"""
import argparse
import socket
import struct
import sys
import time

from kafka import KafkaAdminClient

# The keys KoP 3.1.1.1 implements (gateway/kop/served_apis.cc); everything else it advertises
# is answered UNSUPPORTED_VERSION.
KOP_SERVED = {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24, 25, 26, 27, 28,
              32, 33, 36, 37, 42, 60}
# What a client of KoP must be offered through kgate (WriteTxnMarkers is broker-to-broker and
# the codec may drop old keys, so not all 30 are required).
MUST_OFFER = {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 22, 24, 25, 26, 28, 32, 60}


def fail(what):
    print(f"FAILED {what}")
    sys.exit(1)


def host_port(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


class Reader:
    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, fmt):
        value = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return value[0]

    def string(self):
        n = self.take(">h")
        if n < 0:
            return None
        s = self.data[self.at:self.at + n].decode()
        self.at += n
        return s


def call(address, api_key, version, body, timeout_s):
    """One request (header v1, client id "kop-quirks") and its response body, header removed."""
    correlation = 41
    client = b"kop-quirks"
    frame = struct.pack(">hhih", api_key, version, correlation, len(client)) + client + body
    with socket.create_connection(host_port(address), timeout=timeout_s) as s:
        s.sendall(struct.pack(">i", len(frame)) + frame)
        size = struct.unpack(">i", recv_exactly(s, 4))[0]
        data = recv_exactly(s, size)
    got = struct.unpack_from(">i", data)[0]
    if got != correlation:
        fail(f"{address}: API {api_key} v{version} answered correlation id {got}, not {correlation}")
    return data[4:]


def recv_exactly(s, n):
    out = b""
    while len(out) < n:
        chunk = s.recv(n - len(out))
        if not chunk:
            raise ConnectionError("connection closed mid-frame")
        out += chunk
    return out


def api_versions(address, timeout_s):
    r = Reader(call(address, 18, 0, b"", timeout_s))
    error = r.take(">h")
    keys = {}
    for _ in range(r.take(">i")):
        key, lo, hi = r.take(">h"), r.take(">h"), r.take(">h")
        keys[key] = (lo, hi)
    return error, keys


def metadata(address, timeout_s):
    """(controller id, {node id: "host:port"}) from a Metadata v1 answer about no topics."""
    r = Reader(call(address, 3, 1, struct.pack(">i", 0), timeout_s))
    nodes = {}
    for _ in range(r.take(">i")):
        node = r.take(">i")
        host = r.string()
        nodes[node] = f"{host}:{r.take('>i')}"
        r.string()  # rack
    return r.take(">i"), nodes


def check_api_versions(args):
    error, keys = api_versions(args.bootstrap, args.timeout_s)
    if error != 0:
        fail(f"ApiVersions v0 through kgate answered error {error}")
    extra = sorted(set(keys) - KOP_SERVED)
    missing = sorted(MUST_OFFER - set(keys))
    if extra or missing:
        fail(f"ApiVersions through kgate: keys KoP does not serve {extra}, served keys missing {missing}")
    line = f"OK ApiVersions through kgate offers {len(keys)} keys, all served by KoP"
    if args.direct:
        _, direct = api_versions(args.direct[0], args.timeout_s)
        line += f" (KoP itself advertises {len(direct)}: {len(set(direct) - KOP_SERVED)} it does not serve)"
    print(line)


def check_controller(args):
    _, nodes = metadata(args.bootstrap, args.timeout_s)
    if len(nodes) < 2:
        fail(f"Metadata through kgate lists {nodes}: two brokers expected")
    seen = {address: metadata(address, args.timeout_s)[0] for address in [args.bootstrap] + sorted(nodes.values())}
    lowest = min(nodes)
    if set(seen.values()) != {lowest}:
        fail(f"Metadata through kgate: controllers {seen}, expected every listener to name {lowest}")
    line = f"OK Metadata from the bootstrap and {len(nodes)} broker listeners names controller {lowest}, the lowest of {sorted(nodes)}"
    if args.direct:
        direct = {a: metadata(a, args.timeout_s)[0] for a in args.direct}
        line += f" (the brokers directly: {direct})"
    print(line)


def group_offsets(args, **client_options):
    admin = KafkaAdminClient(bootstrap_servers=args.bootstrap, client_id="kop-quirks",
                             request_timeout_ms=args.timeout_s * 1000, **client_options)
    try:
        deadline = time.monotonic() + args.timeout_s
        while True:
            offsets = admin.list_group_offsets({args.group: None}).get(args.group, {})
            if offsets or time.monotonic() > deadline:
                return offsets
            time.sleep(1)
    finally:
        admin.close()


def check_group_offsets(args):
    first = None
    for label, options in (("negotiated (OffsetFetch v8)", {}), ("as for Kafka 1.0 (OffsetFetch v3)", {"api_version": (1, 0)})):
        offsets = group_offsets(args, **options)
        topics = sorted({tp.topic for tp in offsets})
        if topics != [args.topic]:
            fail(f"kafka-python list_group_offsets({args.group}) {label} names topics {topics}, expected [{args.topic}]")
        if len(offsets) != args.partitions:
            fail(f"kafka-python list_group_offsets({args.group}) {label}: {len(offsets)} partitions, expected {args.partitions}")
        committed = {tp.partition: m.offset for tp, m in offsets.items()}
        if first is not None and committed != first:
            fail(f"kafka-python list_group_offsets({args.group}) {label}: {committed}, negotiated gave {first}")
        first = committed
        print(f"OK kafka-python list_group_offsets({args.group}) {label}: {len(offsets)} partitions of {args.topic}, "
              f"{sum(committed.values())} committed in all")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--direct", default=[], type=lambda s: s.split(","))
    p.add_argument("--group", required=True)
    p.add_argument("--topic", required=True)
    p.add_argument("--partitions", required=True, type=int)
    p.add_argument("--timeout-s", type=int, default=60)
    args = p.parse_args()
    check_api_versions(args)
    check_controller(args)
    check_group_offsets(args)


if __name__ == "__main__":
    main()
