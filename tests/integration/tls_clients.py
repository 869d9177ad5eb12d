"""TLS clients for run_tls_e2e.sh (stdlib only): hostile handshakes beside an honest client, and
an honest connection held open across a certificate reload.

  tls_clients.py hostile HOST:PORT CA_FILE HANDSHAKE_TIMEOUT_MS METRICS_HOST:PORT
  tls_clients.py hold HOST:PORT CA_FILE GO_FILE DONE_FILE

hostile: an honest TLS client makes an ApiVersions round trip, then each hostile handshake runs
on a connection of its own (plaintext Kafka bytes, a garbage ClientHello, a ClientHello cut
half-way, one that stalls); each must be closed by kgate (the stalled one after the handshake
timeout, not before), the honest connection must still answer and a new one must work, and
kgate_tls_handshakes_total must have counted each kind. Exit 0 when all held.

hold: an honest TLS connection makes a round trip, notes the certificate serial it was served,
writes it to DONE_FILE + ".before", waits for GO_FILE (the test reloads the certificate
meanwhile), makes another round trip on the same connection and writes "SERIAL ok" to DONE_FILE.
"""
import os
import socket
import ssl
import sys
import time

import kafka_wire as kw
import kgate_probe


def tls_context(ca_file):
    ctx = ssl.create_default_context(cafile=ca_file)
    ctx.check_hostname = True  # the server certificate names 127.0.0.1 in an IP SAN
    return ctx


def honest_connection(address, ca_file):
    host, port = address.rsplit(":", 1)
    raw = socket.create_connection((host, int(port)), timeout=10)
    tls = tls_context(ca_file).wrap_socket(raw, server_hostname=host)
    tls.settimeout(10)
    return tls


def round_trip(sock, correlation_id):
    sock.sendall(kw.api_versions_request(correlation_id, version=0))
    got, error, ranges = kw.parse_api_versions_response(kw.read_frame(sock), 0)
    if got != correlation_id or error != 0 or kw.API_VERSIONS not in ranges:
        raise AssertionError(f"ApiVersions answer: correlation id {got}, error {error}")


def serial_of(sock):
    """The served certificate's serial in hexadecimal, as openssl x509 -serial prints it."""
    return sock.getpeercert()["serialNumber"].upper()


def client_hello(host):
    """The bytes of a real TLS ClientHello, made without a network."""
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    ctx = ssl.create_default_context()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname=host)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def closed_within(sock, seconds):
    closed = kw.wait_for_eof(sock, seconds)
    sock.close()
    return closed


def hostile(address, ca_file, timeout_ms, metrics_address):
    timeout_s = timeout_ms / 1000
    host = address.rsplit(":", 1)[0]
    failures = []
    before = kgate_probe.labelled_metrics(metrics_address)
    honest = honest_connection(address, ca_file)
    round_trip(honest, 1)
    hello = client_hello(host)

    # Plaintext Kafka bytes sent to a TLS port.
    s = kw.connect(address)
    s.sendall(kw.api_versions_request(7))
    if not closed_within(s, 3):
        failures.append("plaintext Kafka bytes: the connection stayed open")
    # A record header that says handshake, then garbage.
    s = kw.connect(address)
    s.sendall(b"\x16\x03\x01\x00\x40" + os.urandom(64))
    if not closed_within(s, 3):
        failures.append("garbage ClientHello: the connection stayed open")
    # A real ClientHello cut half-way: the client leaves.
    s = kw.connect(address)
    s.sendall(hello[: len(hello) // 2])
    s.shutdown(socket.SHUT_WR)
    if not closed_within(s, 3):
        failures.append("ClientHello cut half-way: the connection stayed open")
    # Half a ClientHello, then nothing: closed at the handshake timeout, not before.
    s = kw.connect(address)
    s.sendall(hello[: len(hello) // 2])
    started = time.monotonic()
    closed = kw.wait_for_eof(s, timeout_s + 5)
    took = time.monotonic() - started
    s.close()
    if not closed:
        failures.append(f"stalled handshake: still open after {timeout_s + 5:.1f} s")
    elif took < timeout_s * 0.8:
        failures.append(f"stalled handshake: closed after {took:.2f} s, before the {timeout_s:.1f} s timeout")
    print(f"stalled handshake closed after {took:.2f} s (tls-handshake-timeout-ms {timeout_ms})")

    try:
        round_trip(honest, 2)
        fresh = honest_connection(address, ca_file)
        round_trip(fresh, 3)
        fresh.close()
    except Exception as e:  # noqa: BLE001 - reported as the failure it is
        failures.append(f"honest client after the attacks: {e!r}")
    honest.close()

    time.sleep(0.3)  # the counters move when kgate has closed each connection
    after = kgate_probe.labelled_metrics(metrics_address)
    counted = {}
    for result in ("not_tls", "failed", "closed", "timeout", "ok"):
        key = ("kgate_tls_handshakes_total", result)
        counted[result] = after.get(key, 0) - before.get(key, 0)
    print("handshakes counted: " + ", ".join(f"{k} {v:.0f}" for k, v in counted.items()))
    for result, least in (("not_tls", 1), ("failed", 1), ("closed", 1), ("timeout", 1), ("ok", 2)):
        if counted[result] < least:
            failures.append(f"kgate_tls_handshakes_total{{result=\"{result}\"}} grew by {counted[result]:.0f}, expected at least {least}")
    for f in failures:
        print("FAILED " + f)
    if not failures:
        print("OK each hostile handshake closed only its own connection; the honest client kept working")
    return 1 if failures else 0


def hold(address, ca_file, go_file, done_file):
    sock = honest_connection(address, ca_file)
    round_trip(sock, 1)
    serial = serial_of(sock)
    with open(done_file + ".before", "w") as f:
        f.write(serial + "\n")
    deadline = time.monotonic() + 60
    while not os.path.exists(go_file):
        if time.monotonic() > deadline:
            raise SystemExit("hold: no go within 60 s")
        time.sleep(0.05)
    round_trip(sock, 2)
    with open(done_file, "w") as f:
        f.write(f"{serial} ok\n")
    sock.close()
    return 0


def main(argv):
    if len(argv) == 6 and argv[1] == "hostile":
        return hostile(argv[2], argv[3], int(argv[4]), argv[5])
    if len(argv) == 6 and argv[1] == "hold":
        return hold(argv[2], argv[3], argv[4], argv[5])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
