#!/usr/bin/env python3
"""Scenario d: the gateway's ApiVersions answer must be within a broker's own answer.

    api_versions_check.py GATEWAY_HOST:PORT BROKER_HOST:PORT...

Every API key the gateway advertises must be one each broker advertises, with a range inside
that broker's. Prints one summary line; exit 0 on success, 1 on a mismatch or error.
"""
import struct
import sys

import kafka_wire as kw


def ask(address, version):
    with kw.connect(address) as sock:
        sock.sendall(kw.api_versions_request(correlation_id=7, version=version))
        return kw.parse_api_versions_response(kw.read_frame(sock), version)


def negotiate(address, strict):
    """Asks v3 as librdkafka does; on UNSUPPORTED_VERSION asks again at the highest version
    the answer names for ApiVersions. `strict`: the v3 answer itself must be well-formed
    (the gateway's); a broker's malformed refusal (librdkafka's mock sends one) falls back to v0."""
    try:
        corr, err, ranges = ask(address, 3)
    except (ValueError, IndexError, EOFError, struct.error):
        if strict:
            raise
        corr, err, ranges = 7, kw.UNSUPPORTED_VERSION, {}
    if corr != 7:
        raise RuntimeError(f"{address}: ApiVersions v3 answered correlation id {corr}")
    if err == 0:
        return 3, ranges
    if err != kw.UNSUPPORTED_VERSION or (strict and kw.API_VERSIONS not in ranges):
        raise RuntimeError(f"{address}: ApiVersions v3 answered error {err} naming {sorted(ranges)}")
    version = min(ranges.get(kw.API_VERSIONS, (0, 0))[1], 2)
    corr, err, ranges = ask(address, version)
    if corr != 7 or err != 0 or not ranges:
        raise RuntimeError(f"{address}: ApiVersions v{version}: correlation {corr}, error {err}, {len(ranges)} keys")
    return version, ranges


def compare(gw, direct, broker):
    problems = []
    for key, (lo, hi) in sorted(gw.items()):
        if key not in direct:
            problems.append(f"key {key} advertised by the gateway, not by broker {broker}")
        elif lo < direct[key][0] or hi > direct[key][1] or lo > hi:
            problems.append(f"key {key}: gateway {lo}-{hi} not within broker {broker}'s {direct[key][0]}-{direct[key][1]}")
    return problems


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    gateway, brokers = sys.argv[1], sys.argv[2:]
    try:
        gateway_version, gw = negotiate(gateway, strict=True)
        answers = {broker: negotiate(broker, strict=False) for broker in brokers}
    except Exception as e:  # any failure to get every answer is a test failure, named
        print(f"api-versions: FAILED {type(e).__name__}: {e}")
        return 1
    problems = []
    narrowed = set()
    for broker, (_, direct) in answers.items():
        problems += compare(gw, direct, broker)
        narrowed |= {k for k in gw if k in direct and gw[k] != direct[k]}
    dropped = sorted(set().union(*(set(d) for _, d in answers.values())) - set(gw))
    status = "OK" if not problems else "FAILED"
    print(f"api-versions: {status} gateway advertises {len(gw)} keys (asked v3, answered at v{gateway_version}), "
          f"compared with {len(answers)} brokers: {len(problems)} outside a broker's ranges, "
          f"{len(narrowed)} narrowed ({','.join(map(str, sorted(narrowed)))}), {len(dropped)} not offered"
          + (f" ({','.join(map(str, dropped))})" if dropped else "")
          + ("; " + "; ".join(problems[:10]) if problems else ""))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
