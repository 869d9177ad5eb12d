"""What every Python client program of the matrix shares: its command line, the records it
writes and how a consumer's haul is judged, the address check, and the PASS/FAIL lines.

A record is key "k<i mod 120>", value "<run>:<i>" (committed or plain) or "<run>:x<i>" (written in
an aborted transaction). One producer writes them in order, so within a partition the i of the
records read must rise with the offset; every i must arrive exactly once.
"""
import argparse
import sys
import threading
import time
from collections import Counter, defaultdict

KEYS = 120


def parse_args(description, client_settings=False):
    """The common command line; with client_settings, also --set KEY=VALUE (repeatable): a setting
    every client gets (security.protocol, ssl.*, sasl.*), in args.settings."""
    p = argparse.ArgumentParser(description=description)
    if client_settings:
        p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                       help="a client setting for every client (TLS, SASL)")
    p.add_argument("--bootstrap", required=True, help="kgate's bootstrap HOST:PORT")
    p.add_argument("--gateway-ports", required=True, help="FIRST-LAST: kgate's broker ports")
    p.add_argument("--hidden", required=True, help="comma-separated addresses no client may be told")
    p.add_argument("--run-id", required=True, help="names topics, groups and record values")
    p.add_argument("--count", type=int, default=3000)
    p.add_argument("--timeout-s", type=float, default=60.0, help="bound of each wait")
    p.add_argument("--scenarios", default="", help="comma-separated subset (default: all)")
    args = p.parse_args()
    first, last = args.gateway_ports.split("-")
    args.port_range = (int(first), int(last))
    args.hidden_list = [h for h in args.hidden.split(",") if h]
    if client_settings:
        bad = [kv for kv in args.set if "=" not in kv]
        if bad:
            p.error(f"--set wants KEY=VALUE, not {bad[0]}")
        args.settings = dict(kv.split("=", 1) for kv in args.set)
    return args


def key_of(i):
    return f"k{i % KEYS}"


def value_of(run, i, aborted=False):
    return f"{run}:{'x' if aborted else ''}{i}"


class Haul:
    """Records read by the members of one group, judged against what was written."""

    def __init__(self, run):
        self.prefix = run + ":"
        self.lock = threading.Lock()
        self.seen = Counter()
        self.aborted = 0
        self.foreign = 0
        self.by_partition = defaultdict(list)  # partition -> [(offset, i)]
        self.key_partitions = defaultdict(set)
        self.per_member = Counter()

    def add(self, member, partition, offset, key, value):
        with self.lock:
            self.per_member[member] += 1
            if not value.startswith(self.prefix):
                self.foreign += 1
                return
            body = value[len(self.prefix):]
            if body.startswith("x"):
                self.aborted += 1
                return
            i = int(body)
            self.seen[i] += 1
            self.by_partition[partition].append((offset, i))
            self.key_partitions[key].add(partition)

    def distinct(self):
        with self.lock:
            return len(self.seen)

    def verdict(self, expect):
        """None when exactly records 0..expect-1 arrived once each, in order; else the reason."""
        with self.lock:
            missing = expect - sum(1 for i in range(expect) if self.seen[i])
            dups = sum(n - 1 for n in self.seen.values() if n > 1)
            extra = sum(1 for i in self.seen if not 0 <= i < expect)
            disorder = 0
            for rows in self.by_partition.values():
                rows.sort()
                disorder += sum(1 for a, b in zip(rows, rows[1:]) if b[1] <= a[1])
            split_keys = sum(1 for parts in self.key_partitions.values() if len(parts) > 1)
            problems = [f"{n} {what}" for n, what in ((missing, "missing"), (dups, "duplicated"),
                        (extra, "unknown"), (disorder, "out of order"), (split_keys, "keys on two partitions"),
                        (self.aborted, "aborted"), (self.foreign, "foreign")) if n]
            return ", ".join(problems) or None

    def summary(self):
        members = " + ".join(str(n) for _, n in sorted(self.per_member.items()))
        return f"{sum(self.seen.values())} records in {len(self.by_partition)} partitions, per member {members or 0}"


def consume_until(haul, expect, deadline_s, members, poll_once, linger_s=2.0):
    """Runs poll_once(member) for every member in threads until `expect` distinct records have
    arrived (then `linger_s` more, so late duplicates are caught) or `deadline_s` passes."""
    stop_at = [time.monotonic() + deadline_s]
    done = threading.Event()
    errors = []

    def loop(member):
        try:
            while time.monotonic() < stop_at[0]:
                poll_once(member)
                if haul.distinct() >= expect and not done.is_set():
                    done.set()
                    stop_at[0] = min(stop_at[0], time.monotonic() + linger_s)
        except Exception as e:  # reported as the scenario's failure
            errors.append(f"member {member}: {e!r}")

    threads = [threading.Thread(target=loop, args=(m,), daemon=True) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join(deadline_s + linger_s + 30)
    if any(t.is_alive() for t in threads):
        errors.append("a consumer thread did not stop")
    return errors


def transact(run, begin, send, end, batch=250, transactions=9):
    """Runs `transactions` transactions of `batch` records, every third one aborted: begin(), then
    send(pairs of i and value) (which must wait for the acknowledgements, so aborted records really
    reach the brokers), then end(commit). Committed records are numbered 0.. in order, aborted ones
    apart. Returns (committed, aborted)."""
    committed = aborted = 0
    for t in range(transactions):
        abort = t % 3 == 2
        begin()
        start = aborted if abort else committed
        send((i, value_of(run, i, aborted=abort)) for i in range(start, start + batch))
        end(not abort)
        if abort:
            aborted += batch
        else:
            committed += batch
    return committed, aborted


def bad_addresses(args, pairs):
    """The (host, port) pairs a client was told that are not kgate's: each must be 127.0.0.1 on a
    gateway port and name nothing a broker advertises or listens on."""
    first, last = args.port_range
    bad = []
    for host, port in pairs:
        text = f"{host}:{port}"
        if host != "127.0.0.1" or not first <= int(port) <= last or any(h in text for h in args.hidden_list):
            bad.append(text)
    if not pairs:
        bad.append("no address at all")
    return bad


class Report:
    """One PASS or FAIL line per scenario; the exit status says whether all passed."""

    def __init__(self, client):
        self.client = client
        self.failed = []

    def run(self, name, scenario):
        t = time.monotonic()
        try:
            detail = scenario()
            print(f"PASS {self.client} {name}: {detail} ({time.monotonic() - t:.1f} s)", flush=True)
        except Exception as e:
            print(f"FAIL {self.client} {name}: {e} ({time.monotonic() - t:.1f} s)", flush=True)
            self.failed.append(name)

    def wanted(self, args, name):
        return not args.scenarios or name in args.scenarios.split(",")

    def exit(self):
        sys.exit(1 if self.failed else 0)


class Failure(Exception):
    """A scenario's check did not hold."""
