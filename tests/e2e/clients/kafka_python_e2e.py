#!/usr/bin/env python3
"""kafka-python (pure Python, no code shared with librdkafka or Java) through kgate:
  produce      N idempotent acks=all records into a 12-partition topic created by the admin client
  classic      a 2-member group (the classic protocol: kafka-python has no KIP-848 consumer)
               reads exactly those N, in order
  admin        list_topics, describe_topics (12 partitions), list_groups (the group above),
               describe_cluster and the Metadata brokers: gateway addresses only
  transactions commits and aborts; a read_committed group reads exactly the committed records
Prints one PASS/FAIL line per scenario; exit status 1 when any failed.
"""
import time

import kafka
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient, NewTopic

import matrix

args = matrix.parse_args(__doc__)
run = args.run_id
topic = f"kp-{run}"
txn_topic = f"kp-txn-{run}"
group = f"kp-classic-{run}"
timeout_ms = int(args.timeout_s * 1000)
common = {"bootstrap_servers": args.bootstrap, "request_timeout_ms": 30000}


def produce(producer, topic_name, values):
    futures = [producer.send(topic_name, key=matrix.key_of(i).encode(), value=value.encode()) for i, value in values]
    producer.flush(timeout=args.timeout_s)
    failed = [f.exception for f in futures if not f.succeeded()]
    if failed:
        raise matrix.Failure(f"{len(failed)} of {len(futures)} not acknowledged: {failed[:3]}")
    return len(futures)


def create_topic(name):
    """A 12-partition topic on all three brokers."""
    admin = KafkaAdminClient(**common)
    try:
        admin.create_topics([NewTopic(name, 12, 3)], timeout_ms=timeout_ms)
    finally:
        admin.close()


def scenario_produce():
    create_topic(topic)
    producer = KafkaProducer(enable_idempotence=True, acks="all", linger_ms=5, **common)
    acked = produce(producer, topic, ((i, matrix.value_of(run, i)) for i in range(args.count)))
    producer.close(timeout=args.timeout_s)
    return f"{acked} idempotent records acknowledged into {topic} (12 partitions x 3 replicas)"


def consume_group(group_id, topic_name, expect, members, **extra):
    haul = matrix.Haul(run)
    consumers = {m: KafkaConsumer(topic_name, group_id=group_id, auto_offset_reset="earliest",
                                  enable_auto_commit=False, **extra, **common) for m in range(members)}

    def poll_once(m):
        c = consumers[m]
        batches = c.poll(timeout_ms=500, max_records=500)
        for tp, records in batches.items():
            for r in records:
                haul.add(m, tp.partition, r.offset, r.key.decode(), r.value.decode())
        # Committed before the next poll, where a rebalance may move partitions: their next
        # owner starts after what this member read.
        if batches:
            c.commit()

    errors = matrix.consume_until(haul, expect, args.timeout_s, list(consumers), poll_once)
    for c in consumers.values():
        c.close()
    verdict = haul.verdict(expect)
    if errors or verdict:
        raise matrix.Failure(f"{'; '.join(errors)} {verdict or ''} ({haul.summary()})")
    return haul.summary()


def scenario_classic():
    detail = consume_group(group, topic, args.count, 2, session_timeout_ms=10000)
    return f"classic protocol, 2 members: exactly the {args.count} records, in order; {detail}"


def scenario_admin():
    admin = KafkaAdminClient(**common)
    try:
        topics = admin.list_topics()
        described = admin.describe_topics([topic])
        partitions = len(described[0]["partitions"]) if described else 0
        if topic not in topics or partitions != 12:
            raise matrix.Failure(f"list_topics/describe_topics: {topic} missing or with {partitions} partitions")
        listed = admin.list_groups()
        names = {g["group_id"] if isinstance(g, dict) else g[0] for g in listed}
        if group not in names:
            raise matrix.Failure(f"list_groups does not name {group}: {listed}")
        cluster = admin.describe_cluster()
        nodes = [(b["host"], b["port"]) for b in cluster["brokers"]]
        # What Metadata answers told the client (the brokers it connects to): no public accessor.
        brokers = [(b.host, b.port) for b in admin._manager.cluster.brokers()]
    finally:
        admin.close()
    bad = matrix.bad_addresses(args, nodes + brokers)
    if len(nodes) != 3 or len(brokers) != 3 or bad:
        raise matrix.Failure(f"{len(nodes)} describe_cluster brokers, {len(brokers)} Metadata brokers; not kgate's: {bad}")
    return (f"list_topics: {len(topics)} topics; {topic} has 12 partitions; list_groups names {group}; "
            f"describe_cluster and Metadata name only {sorted({f'{h}:{p}' for h, p in nodes + brokers})}")


def scenario_transactions():
    create_topic(txn_topic)
    producer = KafkaProducer(transactional_id=f"kp-txn-{run}", acks="all", linger_ms=5, **common)
    producer.init_transactions()

    def end(commit):
        (producer.commit_transaction if commit else producer.abort_transaction)()

    committed, aborted = matrix.transact(run, producer.begin_transaction,
                                         lambda values: produce(producer, txn_topic, values), end)
    producer.close(timeout=args.timeout_s)
    detail = consume_group(f"kp-rc-{run}", txn_topic, committed, 1, isolation_level="read_committed")
    return f"{committed} committed, {aborted} aborted (written, then aborted); read_committed: {detail}"


print(f"kafka-python {kafka.__version__}", flush=True)
report = matrix.Report("kafka-python")
for name, scenario in (("produce", scenario_produce), ("classic", scenario_classic), ("admin", scenario_admin),
                       ("transactions", scenario_transactions)):
    if report.wanted(args, name):
        report.run(name, scenario)
report.exit()
