#!/usr/bin/env python3
"""Scenario e: bad input on raw connections to the gateway's bootstrap port.

    bad_input.py GATEWAY_HOST:PORT KGATE_LOG

Each case uses its own connection, which the gateway must close (EOF within 5 s); the
gateway's log must name the client address and connection id in a warning for every case
it can judge, and a flood of bad connections must be rate-limited in the log. Prints one
summary line (details on stderr); exit 0 on success, 1 on failure.
"""
import os
import random
import re
import socket
import struct
import sys
import time

import kafka_wire as kw

EOF_WITHIN_S = 5.0
MAX_FRAME = 100 * 1024 * 1024  # kgate's default --max-frame-size
FLOOD = 100                    # well over the log's burst of 20 per second
RANDOM_SIZE = 4096


def random_bytes(rng):
    """4 KiB of random bytes whose size prefix the gateway can judge from these bytes alone:
    negative, over the maximum, or a frame that fits. A prefix between 4092 bytes and the
    maximum is a frame still arriving, which no server may close on."""
    while True:
        data = bytes(rng.getrandbits(8) for _ in range(RANDOM_SIZE))
        (size,) = struct.unpack(">i", data[:4])
        if size < 0 or size > MAX_FRAME or size <= RANDOM_SIZE - 4:
            return data, size


def unknown_key_request(correlation_id):
    return kw.frame(kw.request_header_v1(999, 0, correlation_id))


class Case:
    def __init__(self, name, send, half_close=False, expect_api_versions=False, expect_warning=True):
        self.name = name
        self.send = send
        self.half_close = half_close
        self.expect_api_versions = expect_api_versions
        self.expect_warning = expect_warning
        self.port = None
        self.problem = None


def run_case(gateway, case):
    with kw.connect(gateway) as sock:
        case.port = sock.getsockname()[1]
        try:
            sock.sendall(case.send)
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed while we were still sending: what the case wants
        if case.half_close:
            sock.shutdown(socket.SHUT_WR)
        if case.expect_api_versions:
            try:
                corr, err, ranges = kw.parse_api_versions_response(kw.read_frame(sock), 3)
            except (EOFError, ValueError, OSError, struct.error) as e:
                case.problem = f"no ApiVersions answer before the garbage: {e}"
                return
            if corr != 1 or (err != 0 and err != kw.UNSUPPORTED_VERSION):
                case.problem = f"ApiVersions answer: correlation {corr}, error {err}"
                return
        if not kw.wait_for_eof(sock, EOF_WITHIN_S):
            case.problem = f"still open after {EOF_WITHIN_S:.0f} s"


def flood(gateway):
    """Opens FLOOD connections at once, each sending an unknown API key; returns their
    client ports and how many the gateway closed within the time limit."""
    socks = []
    for i in range(FLOOD):
        sock = kw.connect(gateway)
        sock.sendall(unknown_key_request(1000 + i))
        socks.append(sock)
    ports = {s.getsockname()[1] for s in socks}
    deadline = time.monotonic() + EOF_WITHIN_S
    closed = sum(kw.wait_for_eof(s, max(deadline - time.monotonic(), 0.01)) for s in socks)
    for s in socks:
        s.close()
    return ports, closed


def warnings_by_port(log_path):
    """{client port: (connection id, text)} from the gateway's warning lines."""
    pattern = re.compile(r"\[warn(?:ing)?\] conn (\d+) from 127\.0\.0\.1:(\d+): (.*)")
    found = {}
    with open(log_path, errors="replace") as f:
        for line in f:
            m = pattern.search(line)
            if m:
                found[int(m.group(2))] = (int(m.group(1)), m.group(3))
    return found


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    gateway, log_path = sys.argv[1], sys.argv[2]
    seed = int.from_bytes(os.urandom(4), "big")
    garbage, garbage_size = random_bytes(random.Random(seed))
    print(f"bad-input: random bytes from seed {seed}, size prefix {garbage_size}", file=sys.stderr)

    flood_ports, flood_closed = flood(gateway)
    # The log's budget is per second: start the cases in a fresh second, so the first
    # warning of that second carries the count of what the flood had suppressed.
    time.sleep(1.1)

    cases = [
        Case("200 MB size prefix", struct.pack(">i", 200 * 1024 * 1024) + b"\0" * 16),
        Case("4 KiB random bytes", garbage),
        # The same randomness inside a well-sized frame, so it reaches the header decoding.
        Case("random 4 KiB frame", struct.pack(">i", RANDOM_SIZE - 4) + garbage[4:]),
        # The client goes away mid-frame: an ordinary end of stream, no warning required.
        Case("truncated frame", struct.pack(">i", 100) + b"\x00\x12\x00\x03" + b"\0" * 6, half_close=True,
             expect_warning=False),
        Case("unknown API key 999", unknown_key_request(1)),
        Case("ApiVersions then garbage",
             kw.api_versions_request(correlation_id=1, version=3) + struct.pack(">i", 8) + b"\xde\xad\xbe\xef" * 2,
             expect_api_versions=True),
    ]
    for case in cases:
        run_case(gateway, case)

    # Every warning is logged before its connection closes; the log file is written unbuffered.
    found = warnings_by_port(log_path)
    for case in cases:
        if case.problem is None and case.expect_warning and case.port not in found:
            case.problem = f"no warning naming 127.0.0.1:{case.port} and a connection id in the log"
        warning = found.get(case.port)
        print(f"bad-input: case '{case.name}' (client port {case.port}): "
              f"{'closed' if case.problem is None else case.problem}"
              + (f"; logged: conn {warning[0]}: {warning[1]}" if warning else "; nothing logged"), file=sys.stderr)

    with open(log_path, errors="replace") as f:
        suppressed_note = any("similar messages suppressed" in line for line in f)
    flood_logged = len(flood_ports & set(found))
    problems = [f"{c.name}: {c.problem}" for c in cases if c.problem]
    if flood_closed != FLOOD:
        problems.append(f"flood: only {flood_closed}/{FLOOD} connections closed within {EOF_WITHIN_S:.0f} s")
    if flood_logged == 0 or flood_logged >= FLOOD or not suppressed_note:
        problems.append(f"flood: {flood_logged}/{FLOOD} logged, suppressed-count note "
                        f"{'present' if suppressed_note else 'missing'}: the log is not rate-limited")
    status = "OK" if not problems else "FAILED"
    print(f"bad-input: {status} {sum(c.problem is None for c in cases)}/{len(cases)} cases closed by kgate "
          f"within {EOF_WITHIN_S:.0f} s with warnings naming client and connection id; flood of {FLOOD}: "
          f"{flood_closed} closed, {flood_logged} logged, rest suppressed"
          + ("; " + "; ".join(problems) if problems else ""))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
