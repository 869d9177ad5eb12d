#!/usr/bin/env python3
"""Raw Kafka connections and a TCP relay for the admin API test (stdlib only).

    admin_client.py hold ADDRESS READY_FILE RESULT_FILE SECONDS
        one connection: an ApiVersions round trip, then READY_FILE, then wait for the gateway
        to close it; RESULT_FILE gets "closed" or "open" (still open after SECONDS)
    admin_client.py metadata ADDRESS COUNT
        one connection, COUNT Metadata v1 requests (no topics), each answered; prints COUNT
    admin_client.py pipelined ADDRESS
        one write carrying Metadata, ApiVersions, Metadata, ApiVersions: all four answered in
        order (requests the gateway answers itself sit between forwarded ones)
    admin_client.py relay PORT TARGET COUNT_FILE SECONDS
        forwards 127.0.0.1:PORT to TARGET for SECONDS; COUNT_FILE holds the connections taken
"""
import os
import select
import socket
import struct
import sys
import threading
import time

import kafka_wire as kw

METADATA = 3


def metadata_v1_request(correlation_id):
    # Header v1; topics: none, so brokers only. v1: librdkafka's mock cluster answers 0-2.
    return kw.frame(kw.request_header_v1(METADATA, 1, correlation_id) + struct.pack(">i", 0))


def write_file(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def hold(address, ready_file, result_file, seconds):
    with kw.connect(address) as sock:
        sock.sendall(kw.api_versions_request(correlation_id=1, version=0))
        kw.read_frame(sock)
        write_file(ready_file, "ready\n")
        write_file(result_file, "closed\n" if kw.wait_for_eof(sock, seconds) else "open\n")


def metadata(address, count):
    with kw.connect(address) as sock:
        for i in range(count):
            sock.sendall(metadata_v1_request(100 + i))
            payload = kw.read_frame(sock)
            (corr,) = struct.unpack(">i", payload[:4])
            if corr != 100 + i:
                raise SystemExit(f"metadata: answer {i} has correlation id {corr}")
    print(count)


def pipelined(address):
    batch = (metadata_v1_request(1) + kw.api_versions_request(correlation_id=2, version=0) +
             metadata_v1_request(3) + kw.api_versions_request(correlation_id=4, version=0))
    with kw.connect(address) as sock:
        sock.sendall(batch)
        for expected in (1, 2, 3, 4):
            (corr,) = struct.unpack(">i", kw.read_frame(sock)[:4])
            if corr != expected:
                raise SystemExit(f"pipelined: answer with correlation id {corr} where {expected} was due")
    print("4 answers in order")


def pump(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def relay(port, target, count_file, seconds):
    host, tport = target.rsplit(":", 1)
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(64)
    taken = 0
    write_file(count_file, "0\n")
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready, _, _ = select.select([server], [], [], 0.2)
        if not ready:
            continue
        client, _ = server.accept()
        upstream = socket.create_connection((host, int(tport)), timeout=5)
        upstream.settimeout(None)
        taken += 1
        write_file(count_file, f"{taken}\n")
        for a, b in ((client, upstream), (upstream, client)):
            threading.Thread(target=pump, args=(a, b), daemon=True).start()


def main(argv):
    if len(argv) == 6 and argv[1] == "hold":
        hold(argv[2], argv[3], argv[4], float(argv[5]))
    elif len(argv) == 4 and argv[1] == "metadata":
        metadata(argv[2], int(argv[3]))
    elif len(argv) == 3 and argv[1] == "pipelined":
        pipelined(argv[2])
    elif len(argv) == 6 and argv[1] == "relay":
        relay(int(argv[2]), argv[3], argv[4], float(argv[5]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
