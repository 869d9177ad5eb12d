#!/usr/bin/env python3
"""librdkafka (confluent-kafka) clients over SASL through kgate, for the SASL tests (KoP with
Pulsar tokens, Apache Kafka with PLAIN and SCRAM users): SASL_PLAINTEXT, or SASL_SSL with
--ssl-ca (the CA kgate's certificate is verified against, host name included).

  sasl_clients.py --bootstrap HOST:PORT --username U --password P --topic T --count N
                  --gateway-ports FROM-TO [--mechanism PLAIN|SCRAM-SHA-256|SCRAM-SHA-512]
                  [--brokers N] [--timeout-s S] [--ssl-ca CA.pem]
                  [--security-protocol SASL_PLAINTEXT|SASL_SSL|PLAINTEXT|SSL]

The protocol defaults to SASL_SSL with --ssl-ca and SASL_PLAINTEXT without. With PLAINTEXT or
SSL the same runs without SASL: --username and --password are then not needed.

Lists the brokers (there must be N, default 2, each 127.0.0.1 on a gateway port), produces N
keyed messages with an idempotent acks=all producer, then reads them back with a 2-member
consumer group. Prints one summary line; exits 0 when nothing was lost or duplicated and both
members got partitions.
"""
import argparse
import sys
import time

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient


def main() -> int:
    p = argparse.ArgumentParser()
    for name in ("bootstrap", "topic", "gateway-ports"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--username", default="")
    p.add_argument("--password", default="")
    p.add_argument("--security-protocol", choices=("SASL_PLAINTEXT", "SASL_SSL", "PLAINTEXT", "SSL"))
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--mechanism", default="PLAIN", choices=("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"))
    p.add_argument("--brokers", type=int, default=2)
    p.add_argument("--timeout-s", type=float, default=120)
    p.add_argument("--ssl-ca", help="SASL_SSL, verifying the gateway against this CA")
    a = p.parse_args()
    first, last = (int(x) for x in a.gateway_ports.split("-"))
    deadline = time.monotonic() + a.timeout_s
    protocol = a.security_protocol or ("SASL_SSL" if a.ssl_ca else "SASL_PLAINTEXT")
    auth = {"bootstrap.servers": a.bootstrap, "security.protocol": protocol}
    if protocol.startswith("SASL_"):
        auth.update({"sasl.mechanisms": a.mechanism, "sasl.username": a.username, "sasl.password": a.password})
    if a.ssl_ca:
        auth["ssl.ca.location"] = a.ssl_ca
    problems = []

    brokers = AdminClient(auth).list_topics(timeout=30).brokers
    addresses = sorted(f"{b.host}:{b.port}" for b in brokers.values())
    foreign = [x for x in addresses if not (x.startswith("127.0.0.1:") and first <= int(x.rsplit(":", 1)[1]) <= last)]
    if len(addresses) != a.brokers or foreign:
        problems.append(f"brokers {addresses}, not {a.brokers} gateway addresses")

    started = time.monotonic()
    delivered, failed = [], []
    producer = Producer({**auth, "enable.idempotence": True, "acks": "all", "linger.ms": 5})
    for i in range(a.count):
        while True:
            try:
                producer.produce(a.topic, key=str(i % 64), value=str(i),
                                 on_delivery=lambda err, msg: (failed if err else delivered).append(err or msg.value()))
                break
            except BufferError:
                producer.poll(0.1)
        producer.poll(0)
    left = producer.flush(max(1.0, deadline - time.monotonic()))
    if failed or left or len(delivered) != a.count:
        problems.append(f"produced {len(delivered)}/{a.count}, {len(failed)} failed (first: {failed[:1]}), {left} unsent")

    produced_in = time.monotonic() - started
    group = f"{a.topic}-{a.mechanism.lower()}-{int(time.time())}"
    members = [Consumer({**auth, "group.id": group, "auto.offset.reset": "earliest", "client.id": f"member-{n}"})
               for n in range(2)]
    assigned = [set(), set()]
    for n, c in enumerate(members):
        c.subscribe([a.topic], on_assign=lambda consumer, parts, n=n: assigned[n].update(x.partition for x in parts))
    seen, duplicates, errors = set(), 0, []
    # In batches: one message per poll from each member in turn would wait out the idle member's
    # timeout for every message of the busy one.
    while len(seen) < a.count and time.monotonic() < deadline:
        for c in members:
            for msg in c.consume(num_messages=1000, timeout=0.1):
                if msg.error():
                    errors.append(str(msg.error()))
                    continue
                value = msg.value()
                duplicates += value in seen
                seen.add(value)
    for c in members:
        c.close()
    consumed_in = time.monotonic() - started - produced_in
    if len(seen) != a.count or duplicates:
        problems.append(f"read {len(seen)}/{a.count} distinct, {duplicates} duplicates, errors {errors[:2]}")
    if not all(assigned):
        problems.append(f"partitions per member {[sorted(x) for x in assigned]}: one member got none")

    who = f"{protocol} {a.mechanism} as {a.username}" if protocol.startswith("SASL_") else protocol
    summary = (f"{who}: {len(delivered)}/{a.count} produced idempotently, {len(seen)} distinct read back by a 2-member group "
               f"(partitions {len(assigned[0])}+{len(assigned[1])}), {duplicates} duplicates, brokers {' '.join(addresses)}; "
               f"produced in {produced_in:.1f} s, read in {consumed_in:.1f} s")
    print(("sasl clients: FAILED " + "; ".join(problems) + "; ") if problems else "sasl clients: OK ", end="")
    print(summary)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
