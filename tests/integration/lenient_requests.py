#!/usr/bin/env python3
"""Scenario f: requests a broker accepts, kgate forwards.

    lenient_requests.py GATEWAY_HOST:PORT

librdkafka 2.16 sends Metadata requests with bytes after the body (it reserves four bytes for
the topics count and leaves three unused when it asks for all topics); Kafka's readers stop at
the body's last field and ignore them. Sends such a request at the highest Metadata version the
gateway offers, expects the answer, with only gateway addresses, and then an ApiVersions answer
on the same connection. Prints one summary line; exit 0 on success, 1 otherwise.
"""
import struct
import sys

import kafka_wire as kw

METADATA = 3
TRAILING = b"\x01\x00\x00"


def metadata_all_topics(version, correlation_id):
    """A Metadata request for all topics at `version` (1..13), followed by TRAILING."""
    flexible = version >= 9
    header = kw.request_header_v1(METADATA, version, correlation_id)
    if flexible:
        header += kw.uvarint(0)
    body = kw.uvarint(0) if flexible else struct.pack(">i", -1)  # null topics: all of them
    if version >= 4:
        body += b"\x00"  # AllowAutoTopicCreation
    if 8 <= version <= 10:
        body += b"\x00"  # IncludeClusterAuthorizedOperations
    if version >= 8:
        body += b"\x00"  # IncludeTopicAuthorizedOperations
    if flexible:
        body += kw.uvarint(0)
    return kw.frame(header + body + TRAILING)


def broker_hosts(payload, version):
    """(correlation id, [(node, host, port)]) of a Metadata response at `version` >= 1."""
    flexible = version >= 9
    c = kw.Cursor(payload)
    correlation_id = c.take(">i")
    if flexible:
        c.skip_tagged_fields()
    if version >= 3:
        c.take(">i")  # ThrottleTimeMs
    count = c.uvarint() - 1 if flexible else c.take(">i")
    brokers = []
    for _ in range(count):
        node = c.take(">i")
        length = c.uvarint() - 1 if flexible else c.take(">h")
        host = payload[c.pos:c.pos + length].decode()
        c.pos += length
        port = c.take(">i")
        rack = c.uvarint() - 1 if flexible else c.take(">h")
        c.pos += max(rack, 0)
        if flexible:
            c.skip_tagged_fields()
        brokers.append((node, host, port))
    return correlation_id, brokers


def main():
    gateway = sys.argv[1]
    gateway_host = gateway.rsplit(":", 1)[0]
    with kw.connect(gateway) as sock:
        # v0: every broker and gateway answers it (the mock cluster knows no v3).
        sock.sendall(kw.api_versions_request(correlation_id=1, version=0))
        _, err, ranges = kw.parse_api_versions_response(kw.read_frame(sock), 0)
        if err or METADATA not in ranges:
            print(f"FAILED ApiVersions through the gateway: error {err}, Metadata offered: {METADATA in ranges}")
            return 1
        version = ranges[METADATA][1]
        if version < 1:
            print(f"FAILED the gateway offers Metadata only up to v{version}")
            return 1
        sock.sendall(metadata_all_topics(version, correlation_id=2))
        try:
            corr, brokers = broker_hosts(kw.read_frame(sock), version)
        except (EOFError, ConnectionError, OSError) as e:
            print(f"FAILED Metadata v{version} with {len(TRAILING)} trailing bytes was not answered: {e}")
            return 1
        if corr != 2 or not brokers:
            print(f"FAILED Metadata v{version} answer: correlation id {corr}, brokers {brokers}")
            return 1
        foreign = [b for b in brokers if b[1] != gateway_host]
        if foreign:
            print(f"FAILED Metadata v{version} answer names addresses other than the gateway's: {foreign}")
            return 1
        sock.sendall(kw.api_versions_request(correlation_id=3, version=0))
        corr, err, _ = kw.parse_api_versions_response(kw.read_frame(sock), 0)
        if corr != 3 or err:
            print(f"FAILED the connection did not carry on after it: correlation id {corr}, error {err}")
            return 1
    print(f"OK Metadata v{version} with {len(TRAILING)} bytes after the body answered ({len(brokers)} brokers, "
          "gateway addresses only), connection kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
