#!/usr/bin/env python3
"""confluent-kafka (the librdkafka its wheel bundles) through kgate:
  produce      N idempotent acks=all records into a 12-partition topic created by the admin client
  classic      a 2-member group with the classic protocol reads exactly those N, in order
  consumer     the same with the KIP-848 consumer protocol (group.protocol=consumer)
  admin        list_topics (all topics: the topic and its 12 partitions, gateway brokers only),
               list_consumer_groups (both groups, with their protocol types), describe_cluster
               and the groups' coordinators: gateway addresses only
  transactions commits and aborts; a read_committed group reads exactly the committed records
  statistics   every broker librdkafka's statistics named, over all clients above, is a gateway's
Prints one PASS/FAIL line per scenario; exit status 1 when any failed. Every client also gets
the librdkafka settings given with --set KEY=VALUE (TLS and SASL for kafka_sasl_e2e).
"""
import json
import time

import confluent_kafka
from confluent_kafka import Consumer, KafkaError, KafkaException, Producer
from confluent_kafka.admin import AdminClient, NewTopic

import matrix

args = matrix.parse_args(__doc__, client_settings=True)
run = args.run_id
topic = f"cf-{run}"
txn_topic = f"cf-txn-{run}"
groups = {"classic": f"cf-classic-{run}", "consumer": f"cf-848-{run}"}
told = set()  # (host, port) of every broker a statistics callback named


def on_stats(text):
    for broker in json.loads(text).get("brokers", {}).values():
        host, _, port = broker.get("nodename", "").rpartition(":")
        if host:
            told.add((host, port))


def config(**extra):
    base = {"bootstrap.servers": args.bootstrap, "statistics.interval.ms": 1000, "stats_cb": on_stats,
            "socket.timeout.ms": 30000, "broker.address.family": "v4", **args.settings}
    base.update(extra)
    return base


def produce(producer, topic_name, values, deadline):
    """Sends (i, value) pairs in order; returns how many the brokers acknowledged."""
    acked, errors = [0], []

    def delivered(err, msg):
        if err:
            errors.append(str(err))
        else:
            acked[0] += 1

    for i, value in values:
        while True:
            try:
                producer.produce(topic_name, key=matrix.key_of(i), value=value, on_delivery=delivered)
                break
            except BufferError:
                if time.monotonic() > deadline:
                    raise matrix.Failure("the producer queue stayed full")
                producer.poll(0.1)
        producer.poll(0)
    left = producer.flush(max(1.0, deadline - time.monotonic()))
    if errors or left:
        raise matrix.Failure(f"{len(errors)} delivery errors ({errors[:3]}), {left} not delivered")
    return acked[0]


def create_topic(name):
    """A 12-partition topic on all three brokers."""
    admin = AdminClient(config())  # kept until the answer: a destroyed handle fails its futures
    futures = admin.create_topics([NewTopic(name, 12, 3)], operation_timeout=args.timeout_s,
                                  request_timeout=args.timeout_s)
    futures[name].result(timeout=args.timeout_s)


def scenario_produce():
    create_topic(topic)
    producer = Producer(config(**{"enable.idempotence": True, "acks": "all", "linger.ms": 5}))
    deadline = time.monotonic() + args.timeout_s
    acked = produce(producer, topic, ((i, matrix.value_of(run, i)) for i in range(args.count)), deadline)
    if acked != args.count:
        raise matrix.Failure(f"{acked} of {args.count} acknowledged")
    return f"{acked} idempotent records acknowledged into {topic} (12 partitions x 3 replicas)"


def consume_group(group, topic_name, expect, members, **extra):
    haul = matrix.Haul(run)
    consumers = {}
    for m in range(members):
        c = Consumer(config(**{"group.id": group, "auto.offset.reset": "earliest", "enable.auto.commit": False,
                               **extra}))
        c.subscribe([topic_name])
        consumers[m] = c

    def poll_once(m):
        c = consumers[m]
        msgs = c.consume(num_messages=500, timeout=0.5)
        got = False
        for msg in msgs:
            if msg.error():
                if msg.error().code() != KafkaError._PARTITION_EOF:
                    raise matrix.Failure(f"consume error: {msg.error()}")
                continue
            haul.add(m, msg.partition(), msg.offset(), msg.key().decode(), msg.value().decode())
            got = True
        # Committed before the next poll, where a rebalance may hand partitions to another member:
        # it then starts after what this one read, so nothing is read twice.
        if got:
            c.commit(asynchronous=False)

    errors = matrix.consume_until(haul, expect, args.timeout_s, list(consumers), poll_once)
    for c in consumers.values():
        c.close()
    verdict = haul.verdict(expect)
    if errors or verdict:
        raise matrix.Failure(f"{'; '.join(errors)} {verdict or ''} ({haul.summary()})")
    return haul.summary()


def scenario_group(protocol):
    extra = {"group.protocol": protocol}
    if protocol == "classic":
        extra["session.timeout.ms"] = 10000
    detail = consume_group(groups[protocol], topic, args.count, 2, **extra)
    return f"group.protocol={protocol}, 2 members: exactly the {args.count} records, in order; {detail}"


def scenario_admin():
    admin = AdminClient(config())
    md = admin.list_topics(timeout=args.timeout_s)
    if topic not in md.topics or len(md.topics[topic].partitions) != 12:
        raise matrix.Failure(f"list_topics: {topic} missing or without 12 partitions")
    brokers = [(b.host, b.port) for b in md.brokers.values()]
    listed = admin.list_consumer_groups(request_timeout=args.timeout_s).result(timeout=args.timeout_s)
    types = {g.group_id: g.type.name for g in listed.valid if g.group_id in groups.values()}
    want = {groups["classic"]: "CLASSIC", groups["consumer"]: "CONSUMER"}
    if types != want:
        raise matrix.Failure(f"list_consumer_groups: {types}, expected {want} (errors: {listed.errors})")
    nodes = admin.describe_cluster(request_timeout=args.timeout_s).result(timeout=args.timeout_s).nodes
    described = admin.describe_consumer_groups(list(groups.values()), request_timeout=args.timeout_s)
    coordinators = [f.result(timeout=args.timeout_s).coordinator for f in described.values()]
    pairs = brokers + [(n.host, n.port) for n in nodes] + [(n.host, n.port) for n in coordinators]
    bad = matrix.bad_addresses(args, pairs)
    if len(brokers) != 3 or len(nodes) != 3 or bad:
        raise matrix.Failure(f"{len(brokers)} brokers, {len(nodes)} nodes; not kgate's: {bad}")
    return (f"list_topics: {len(md.topics)} topics, {topic} with 12 partitions; list_consumer_groups: {want}; "
            f"brokers, describe_cluster and coordinators name only {sorted({f'{h}:{p}' for h, p in pairs})}")


def scenario_transactions():
    create_topic(txn_topic)
    producer = Producer(config(**{"transactional.id": f"cf-txn-{run}", "acks": "all", "linger.ms": 5}))
    producer.init_transactions(args.timeout_s)
    deadline = time.monotonic() + args.timeout_s

    def end(commit):
        (producer.commit_transaction if commit else producer.abort_transaction)(args.timeout_s)

    committed, aborted = matrix.transact(run, producer.begin_transaction,
                                         lambda values: produce(producer, txn_topic, values, deadline), end)
    detail = consume_group(f"cf-rc-{run}", txn_topic, committed, 1, **{"isolation.level": "read_committed"})
    return f"{committed} committed, {aborted} aborted (written, then aborted); read_committed: {detail}"


def scenario_statistics():
    bad = matrix.bad_addresses(args, sorted(told))
    if bad:
        raise matrix.Failure(f"statistics named {bad}")
    return f"statistics named only {sorted(f'{h}:{p}' for h, p in told)}"


print(f"confluent-kafka {confluent_kafka.version()}, librdkafka {confluent_kafka.libversion()[0]}", flush=True)
report = matrix.Report("confluent-kafka")
for name, scenario in (("produce", scenario_produce), ("classic", lambda: scenario_group("classic")),
                       ("consumer", lambda: scenario_group("consumer")), ("admin", scenario_admin),
                       ("transactions", scenario_transactions), ("statistics", scenario_statistics)):
    if report.wanted(args, name):
        report.run(name, scenario)
report.exit()
