package dev.kgate.e2e;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * A transactional producer writes N records in TRANSACTIONS committed transactions, each
 * followed by an aborted one, and commits an offset for a group inside every transaction
 * (sendOffsetsToTransaction: the group coordinator takes part too). Then a read_committed
 * consumer group must read every committed record exactly once, in order per partition, and
 * no aborted one; the group's offset must be the last committed transaction's, not an
 * aborted one's. Topic and groups are the scenario's own.
 */
final class Transactions {
  private static final int TRANSACTIONS = 6;
  private static final int ABORTED_PER_TRANSACTION = 25;
  /** Aborted records lack the run's "RUNID:" prefix: a reader that got one counts it as foreign. */
  private static final String ABORTED = "aborted:";
  private final Options o;
  private final GatewayAddresses gateway;

  Transactions(Options o, GatewayAddresses gateway) {
    this.o = o.withTopicAndGroup(o.topic + "-txn", o.group + "-txn");
    this.o.readCommitted = true;
    this.gateway = gateway;
  }

  private String offsetsGroup() {
    return o.group + "-offsets";
  }

  String run(AdminClient admin) throws E2eFailure {
    TopicSetup.ensure(o, admin, o.topic, o.partitions);
    long t0 = System.nanoTime();
    produce();
    long t1 = System.nanoTime();
    SequenceCheck check = new SequenceCheck(o.count, o.partitions);
    GroupReader reader = GroupReader.readAll(o, check, (who, infos) -> gateway.checkPartitions(who, infos, o));
    if (reader.foreign() > 0) {
      throw new E2eFailure("read_committed consumer: " + reader.foreign() + " records of aborted transactions");
    }
    long t2 = System.nanoTime();
    long offset = committedOffset(admin);
    if (offset != TRANSACTIONS) {
      throw new E2eFailure("group " + offsetsGroup() + " holds offset " + offset + ", the last committed transaction's is "
          + TRANSACTIONS);
    }
    return String.format("%d records in %d committed transactions (and %d aborted ones of %d records) into %s: produced in"
            + " %.1f s; a %d-member read_committed group read %s, no aborted record, in %.1f s; transactional offsets"
            + " of group %s: %d as committed",
        o.count, TRANSACTIONS, TRANSACTIONS, ABORTED_PER_TRANSACTION, o.topic, (t1 - t0) / 1e9, o.consumers,
        check.summary(), (t2 - t1) / 1e9, offsetsGroup(), offset);
  }

  private void produce() throws E2eFailure {
    AtomicReference<Exception> firstError = new AtomicReference<>();
    TopicPartition offsetsPartition = new TopicPartition(o.topic, 0);
    ConsumerGroupMetadata group = new ConsumerGroupMetadata(offsetsGroup());
    int sent = 0;
    try (KafkaProducer<String, String> producer = Clients.transactionalProducer(o, "java-e2e-txn-" + o.runId)) {
      producer.initTransactions();
      gateway.checkPartitions("the transactional producer", producer.partitionsFor(o.topic), o);
      for (int t = 1; t <= TRANSACTIONS; t++) {
        producer.beginTransaction();
        int end = (int) ((long) o.count * t / TRANSACTIONS);
        for (; sent < end; sent++) {
          producer.send(new ProducerRecord<>(o.topic, sent % o.partitions, "k" + sent, o.runId + ":" + sent),
              (metadata, error) -> {
                if (error != null) {
                  firstError.compareAndSet(null, error);
                }
              });
        }
        producer.sendOffsetsToTransaction(Map.of(offsetsPartition, new OffsetAndMetadata(t)), group);
        producer.commitTransaction();

        producer.beginTransaction();
        for (int a = 0; a < ABORTED_PER_TRANSACTION; a++) {
          producer.send(new ProducerRecord<>(o.topic, a % o.partitions, "a" + a, ABORTED + o.runId + ":" + t + ":" + a));
        }
        producer.sendOffsetsToTransaction(Map.of(offsetsPartition, new OffsetAndMetadata(1000 + t)), group);
        producer.flush(); // the aborted records reach the log: the consumer must skip them
        producer.abortTransaction();
      }
    } catch (KafkaException e) {
      throw new E2eFailure("transactional producer after " + sent + " records", e);
    }
    if (firstError.get() != null) {
      throw new E2eFailure("transactional producer: a send failed", firstError.get());
    }
  }

  private long committedOffset(AdminClient admin) throws E2eFailure {
    Map<TopicPartition, OffsetAndMetadata> offsets = Waits.get("listConsumerGroupOffsets " + offsetsGroup(),
        admin.listConsumerGroupOffsets(offsetsGroup()).partitionsToOffsetAndMetadata(), o.timeoutS);
    OffsetAndMetadata offset = offsets.get(new TopicPartition(o.topic, 0));
    return offset == null ? -1 : offset.offset();
  }
}
