"""confluent-kafka (librdkafka from its wheel) through kgate's SNI port: the brokers it is told
are the pattern's names at the one port, an idempotent producer's messages are all read back
once by a consumer group. The names resolve only under tests/tools/loopback_names (preloaded).

    sni_confluent.py BOOTSTRAP CA_FILE TOPIC EXPECTED_BROKERS MESSAGES
EXPECTED_BROKERS: "host:port,host:port,..." as Metadata must list them.
"""
import sys
import time
import uuid

from confluent_kafka import Consumer, Producer


def main() -> int:
    bootstrap, ca_file, topic, expected, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    tls = {"bootstrap.servers": bootstrap, "security.protocol": "SSL", "ssl.ca.location": ca_file,
           "ssl.endpoint.identification.algorithm": "https"}
    producer = Producer({**tls, "enable.idempotence": True, "acks": "all"})
    listed = sorted(f"{b.host}:{b.port}" for b in producer.list_topics(timeout=15).brokers.values())
    if listed != sorted(expected.split(",")):
        print(f"Metadata lists {listed}, expected {expected}: FAILED")
        return 1
    print(f"confluent-kafka told {', '.join(listed)}: OK")
    label = uuid.uuid4().hex[:8]
    failed = []
    for i in range(count):
        producer.produce(topic, f"{label}-{i}".encode(), on_delivery=lambda err, _m: err and failed.append(err))
        producer.poll(0)
    if producer.flush(30) != 0 or failed:
        print(f"produce: FAILED {len(failed)} errors ({failed[:1]}), or messages left unsent")
        return 1
    consumer = Consumer({**tls, "group.id": f"sni-{label}", "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([topic])
    seen = {}
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline and len(seen) < count:
        for m in consumer.consume(500, 1.0):
            if m.error() is None and m.value().startswith(label.encode()):
                seen[m.value()] = seen.get(m.value(), 0) + 1
    consumer.close()
    twice = sum(1 for n in seen.values() if n > 1)
    if len(seen) != count or twice:
        print(f"consumer group read {len(seen)} of {count} ({twice} twice): FAILED")
        return 1
    print(f"confluent-kafka: OK {count} idempotent messages produced through SNI, read back once each by a consumer group")
    return 0


if __name__ == "__main__":
    sys.exit(main())
