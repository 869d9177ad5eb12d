"""kgate with broker-kind: kop in front of a broker that behaves like KoP with its transaction
coordinator off: it closes the connection on InitProducerId without answering.

  kop_coordinator_off.py KGATE WORKDIR

A fake broker (stdlib only, on 127.0.0.1) answers ApiVersions and Metadata v1 as one broker and
drops the connection on InitProducerId. Three clients each send InitProducerId through kgate:
each connection must be closed, kgate must name the missing KoP setting exactly once, and
kgate_kop_quirks_total{quirk="init_producer_id_dropped"} must read 3. Bounded: the fake broker,
kgate and every socket stop within 60 s. Exits 0 on success, 1 with the reason otherwise.
"""
import os
import random
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

INIT_PRODUCER_ID = 22
METADATA = 3
NODE_ID = 7
SETTING = "kafkaTransactionCoordinatorEnabled=true"


def fail(why):
    print(f"kop_coordinator_off: FAILED {why}")
    sys.exit(1)


class FakeKop:
    """One broker at 127.0.0.1:port: ApiVersions (v0 body), Metadata v1, InitProducerId dropped."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.5)
        self.port = self.server.getsockname()[1]
        self.dropped = 0
        self.stop = False
        threading.Thread(target=self.accept_loop, daemon=True).start()

    def accept_loop(self):
        while not self.stop:
            try:
                conn, _ = self.server.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn):
        conn.settimeout(30)
        with conn:
            while True:
                try:
                    request = kw.read_frame(conn)
                except (EOFError, OSError):
                    return
                api_key, version, correlation = struct.unpack_from(">hhi", request)
                header = struct.pack(">i", correlation)
                if api_key == kw.API_VERSIONS:
                    if version != 0:  # as KIP-511 says: a v0 body, so kgate asks again at v0
                        body = struct.pack(">hi", kw.UNSUPPORTED_VERSION, 1) + struct.pack(">hhh", 18, 0, 0)
                    else:
                        keys = [(METADATA, 0, 1), (kw.API_VERSIONS, 0, 0), (INIT_PRODUCER_ID, 0, 1)]
                        body = struct.pack(">hi", 0, len(keys)) + b"".join(struct.pack(">hhh", *k) for k in keys)
                elif api_key == METADATA and version == 1:
                    body = (struct.pack(">ii", 1, NODE_ID) + kw.string("127.0.0.1") + struct.pack(">ihii", self.port, -1, NODE_ID, 0))
                else:
                    # KoP without its transaction coordinator: no answer, the connection closed.
                    if api_key == INIT_PRODUCER_ID:
                        self.dropped += 1
                    return
                conn.sendall(kw.frame(header + body))


def free_port():
    for _ in range(200):
        port = random.randint(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    fail("no free port in 20000-32000")


def metric(http, quirk):
    text = urllib.request.urlopen(f"http://{http}/metrics", timeout=5).read().decode()
    for line in text.splitlines():
        if line.startswith("kgate_kop_quirks_total{") and f'quirk="{quirk}"' in line:
            return float(line.split()[-1])
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    kgate, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    broker = FakeKop()
    bootstrap, http = free_port(), free_port()
    first = free_port()
    log_path = os.path.join(workdir, "kgate.log")
    command = [kgate, "serve", "--upstream", f"127.0.0.1:{broker.port}", "--listen", f"127.0.0.1:{bootstrap}",
               "--broker-ports", f"{first}-{first}", "--http-listen", f"127.0.0.1:{http}", "--admin-listen", "off",
               "--state-dir", os.path.join(workdir, "state"), "--broker-kind", "kop"]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(["timeout", "-s", "KILL", "60"] + command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while "ready: 1 brokers" not in open(log_path).read():
            if proc.poll() is not None or time.monotonic() > deadline:
                fail(f"kgate did not become ready; its log:\n{open(log_path).read()[-2000:]}")
            time.sleep(0.1)
        for attempt in range(3):
            with kw.connect(f"127.0.0.1:{bootstrap}") as sock:
                body = struct.pack(">hi", -1, 60000)  # TransactionalId null: an idempotent producer
                sock.sendall(kw.frame(kw.request_header_v1(INIT_PRODUCER_ID, 0, 100 + attempt) + body))
                if not kw.wait_for_eof(sock, 10):
                    fail(f"attempt {attempt + 1}: kgate kept the client connection open after the broker dropped its own")
        if broker.dropped != 3:
            fail(f"the fake broker saw {broker.dropped} InitProducerId requests, not 3")
        told = open(log_path).read().count(SETTING)
        if told != 1:
            fail(f"kgate's log names {SETTING} {told} times, expected once:\n{open(log_path).read()[-2000:]}")
        count = metric(f"127.0.0.1:{http}", "init_producer_id_dropped")
        if count != 3:
            fail(f"kgate_kop_quirks_total{{quirk=\"init_producer_id_dropped\"}} is {count}, expected 3")
        print(f"kop_coordinator_off: OK 3 InitProducerId requests dropped by the broker, 3 client connections closed, "
              f"{SETTING} named once in kgate's log, the metric reads 3")
    finally:
        broker.stop = True
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


if __name__ == "__main__":
    main()
