#!/usr/bin/env python3
"""Every response that names brokers, asked through kgate, must name gateway addresses only.

    address_leak_check.py KGATE GATEWAY_HOST:PORT FIRST_PORT-LAST_PORT WORKDIR HIDDEN[,HIDDEN...]

Sends Metadata (all topics), FindCoordinator (a group and a transactional id), DescribeCluster
and DescribeQuorum through the gateway at the highest version it advertises (within what this
script can encode), and decodes each answer with `kgate decode`. Every host/port pair in an
answer must be 127.0.0.1 on a gateway port, no string may contain a HIDDEN address or host,
every answer must carry no error and name at least one address. Prints one line per API;
exit 0 when all pass, 1 otherwise.
"""
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "integration"))
import kafka_wire as kw  # noqa: E402

METADATA, FIND_COORDINATOR, DESCRIBE_QUORUM, DESCRIBE_CLUSTER = 3, 10, 55, 60


def compact_string(text):
    data = text.encode()
    return kw.uvarint(len(data) + 1) + data


def flexible_request(api_key, version, correlation_id, body):
    """Request header v2 (classic client id, then tagged fields), body, no tagged fields."""
    return kw.frame(kw.request_header_v1(api_key, version, correlation_id) + kw.uvarint(0) + body + kw.uvarint(0))


def metadata_body(version):
    body = kw.uvarint(0)  # null topics: all of them
    body += b"\x00"  # allow_auto_topic_creation
    if version <= 10:
        body += b"\x00"  # include_cluster_authorized_operations
    return body + b"\x00"  # include_topic_authorized_operations


def find_coordinator_body(key_type, key):
    return struct.pack(">b", key_type) + kw.uvarint(2) + compact_string(key) + b""


def describe_cluster_body(version):
    body = b"\x00"  # include_cluster_authorized_operations
    if version >= 1:
        body += struct.pack(">b", 1)  # endpoint type: brokers
    if version >= 2:
        body += b"\x01"  # include fenced brokers
    return body


def describe_quorum_body():
    partition = struct.pack(">i", 0) + kw.uvarint(0)
    topic = compact_string("__cluster_metadata") + kw.uvarint(2) + partition + kw.uvarint(0)
    return kw.uvarint(2) + topic


# (name, api key, lowest and highest version this script encodes, body for a version)
CHECKS = [
    ("Metadata", METADATA, 9, 13, metadata_body),
    ("FindCoordinator group", FIND_COORDINATOR, 4, 6, lambda v: find_coordinator_body(0, "kgate-e2e-leak-check")),
    ("FindCoordinator transaction", FIND_COORDINATOR, 4, 6, lambda v: find_coordinator_body(1, "kgate-e2e-leak-check")),
    ("DescribeCluster", DESCRIBE_CLUSTER, 0, 2, describe_cluster_body),
    ("DescribeQuorum", DESCRIBE_QUORUM, 0, 2, lambda v: describe_quorum_body()),
]


def walk(node, addresses, strings, errors, path="$"):
    if isinstance(node, dict):
        if "host" in node and "port" in node:
            addresses.append((path, node["host"], node["port"]))
        for key, value in node.items():
            if key == "errorCode" and value != 0:
                errors.append(f"{path}.{key}={value}")
            walk(value, addresses, strings, errors, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            walk(value, addresses, strings, errors, f"{path}[{i}]")
    elif isinstance(node, str):
        strings.append((path, node))


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    kgate, gateway, ports, workdir, hidden_list = sys.argv[1:]
    first, last = (int(p) for p in ports.split("-"))
    hidden = [h for h in hidden_list.split(",") if h]
    hidden += sorted({h.rsplit(":", 1)[0] for h in hidden if not h.startswith("127.")})  # bare host names

    with kw.connect(gateway) as sock:
        sock.sendall(kw.api_versions_request(correlation_id=1, version=3))
        _, err, ranges = kw.parse_api_versions_response(kw.read_frame(sock), 3)
    if err != 0:
        print(f"ApiVersions through kgate: FAILED error {err}")
        return 1

    failed = False
    correlation_id = 10
    for name, api_key, lo, hi, body in CHECKS:
        if api_key not in ranges or ranges[api_key][1] < lo:
            print(f"{name}: FAILED kgate advertises {ranges.get(api_key)}, this check needs v{lo}+")
            failed = True
            continue
        version = min(hi, ranges[api_key][1])
        correlation_id += 1
        with kw.connect(gateway) as sock:
            sock.sendall(flexible_request(api_key, version, correlation_id, body(version)))
            payload = kw.read_frame(sock)
        path = os.path.join(workdir, f"leak-{api_key}-v{version}-{correlation_id}.bin")
        with open(path, "wb") as f:
            f.write(struct.pack(">i", len(payload)) + payload)
        decoded = subprocess.run([kgate, "decode", "--response", "--api-key", str(api_key), "--api-version", str(version), path],
                                 capture_output=True, text=True, timeout=30)
        if decoded.returncode != 0:
            print(f"{name} v{version}: FAILED kgate decode: {decoded.stderr.strip()}")
            failed = True
            continue
        addresses, strings, errors = [], [], []
        walk(json.loads(decoded.stdout), addresses, strings, errors)
        bad = [f"{p}={h}:{port}" for p, h, port in addresses if h != "127.0.0.1" or not first <= port <= last]
        bad += [f"{p}={s!r}" for p, s in strings for h in hidden if h in s]
        if errors or bad or not addresses:
            print(f"{name} v{version}: FAILED errors {errors or 'none'}, {len(addresses)} addresses, "
                  f"not gateway ones: {bad[:6] or 'none'}")
            failed = True
        else:
            listed = sorted({f"{h}:{port}" for _, h, port in addresses})
            print(f"{name} v{version}: OK {len(addresses)} addresses, all gateway ones: {' '.join(listed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
