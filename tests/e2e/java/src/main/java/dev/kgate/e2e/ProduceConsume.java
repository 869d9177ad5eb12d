package dev.kgate.e2e;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produce N idempotent acks=all records into a P-partition topic, record i into partition
 * i % P, then read the topic back as a consumer group: every record exactly once, and in each
 * partition in the order sent.
 */
final class ProduceConsume {
  private final Options o;
  private final GatewayAddresses gateway;

  ProduceConsume(Options o, GatewayAddresses gateway) {
    this.o = o;
    this.gateway = gateway;
  }

  String run(AdminClient admin) throws E2eFailure {
    boolean created = TopicSetup.ensure(o, admin, o.topic, o.partitions);
    long t0 = System.nanoTime();
    produce();
    long t1 = System.nanoTime();
    String consumed = consume();
    long t2 = System.nanoTime();
    return String.format("%d records into %s (%s, %d partitions): produced in %.1f s, %s in %.1f s",
        o.count, o.topic, created ? "created" : "already there", o.partitions,
        (t1 - t0) / 1e9, consumed, (t2 - t1) / 1e9);
  }

  private void produce() throws E2eFailure {
    AtomicLong acked = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    try (KafkaProducer<String, String> producer = Clients.producer(o)) {
      gateway.checkPartitions("the producer", producer.partitionsFor(o.topic), o);
      for (int i = 0; i < o.count; i++) {
        ProducerRecord<String, String> record =
            new ProducerRecord<>(o.topic, i % o.partitions, "k" + i, o.runId + ":" + i);
        producer.send(record, (metadata, error) -> {
          if (error != null) {
            firstError.compareAndSet(null, error);
          } else {
            acked.incrementAndGet();
          }
        });
        if (firstError.get() != null) {
          break;
        }
      }
      producer.flush();
    } catch (RuntimeException e) {
      throw new E2eFailure("producer", e);
    }
    if (firstError.get() != null) {
      throw new E2eFailure("producer: a send failed after " + acked.get() + " acknowledged records", firstError.get());
    }
    if (acked.get() != o.count) {
      throw new E2eFailure("producer: " + acked.get() + " of " + o.count + " records acknowledged");
    }
  }

  private String consume() throws E2eFailure {
    SequenceCheck check = new SequenceCheck(o.count, o.partitions);
    GroupReader reader = GroupReader.readAll(o, check, (who, infos) -> gateway.checkPartitions(who, infos, o));
    return "a " + o.consumers + "-member group " + o.group + " read " + check.summary()
        + (reader.foreign() > 0 ? ", skipped " + reader.foreign() + " from earlier runs" : "");
  }
}
