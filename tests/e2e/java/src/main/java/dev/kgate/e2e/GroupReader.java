package dev.kgate.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The members of one consumer group, each on its own thread, reading the scenario's records
 * into one SequenceCheck. A member commits what it has read after every batch and before it
 * gives a partition up in a rebalance, so the next owner starts right after it: a record read
 * twice is a real duplicate, not a rebalance artefact. All members stop together once every
 * record arrived and two further seconds brought no duplicate.
 */
final class GroupReader {
  private static final long QUIET_NS = 2_000_000_000L;
  private final Options o;
  private final SequenceCheck check;
  private final String prefix;
  private final long deadline;
  private final AtomicLong quietUntil = new AtomicLong(0);
  private final AtomicLong foreign = new AtomicLong(0);
  private final AtomicReference<E2eFailure> failure = new AtomicReference<>();

  /** Checks the partitions a client sees of the topic (count, gateway addresses only). */
  interface MetadataCheck {
    void check(String who, List<PartitionInfo> partitions) throws E2eFailure;
  }

  private final MetadataCheck metadataCheck;

  private GroupReader(Options o, SequenceCheck check, MetadataCheck metadataCheck) {
    this.o = o;
    this.check = check;
    this.metadataCheck = metadataCheck;
    this.prefix = o.runId + ":";
    this.deadline = System.nanoTime() + o.timeoutS * 1_000_000_000L;
  }

  /** Reads the topic with o.consumers members, each on its own thread; returns once all stopped. */
  static GroupReader readAll(Options o, SequenceCheck check, MetadataCheck metadataCheck) throws E2eFailure {
    GroupReader reader = new GroupReader(o, check, metadataCheck);
    List<Thread> threads = new ArrayList<>();
    for (int m = 0; m < o.consumers; m++) {
      int member = m;
      Thread t = new Thread(() -> reader.member(member), "java-e2e-consumer-" + m);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new E2eFailure("consumer: interrupted");
      }
    }
    reader.rethrow();
    check.verify();
    return reader;
  }

  long foreign() {
    return foreign.get();
  }

  void rethrow() throws E2eFailure {
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  private boolean done(long now) {
    long quiet = quietUntil.get();
    return failure.get() != null || (quiet != 0 && now > quiet);
  }

  void member(int index) {
    try (KafkaConsumer<String, String> consumer = Clients.consumer(o, index)) {
      consumer.subscribe(List.of(o.topic), new ConsumerRebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
          consumer.commitSync(Duration.ofSeconds(o.timeoutS));
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}
      });
      metadataCheck.check("consumer " + index, consumer.partitionsFor(o.topic));
      while (true) {
        long now = System.nanoTime();
        if (done(now)) {
          break;
        }
        if (now > deadline) {
          failure.compareAndSet(null, new E2eFailure("consumer: " + check.summary() + " within " + o.timeoutS + " s"));
          break;
        }
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, String> r : records) {
          String value = r.value();
          if (value == null || !value.startsWith(prefix)) {
            foreign.incrementAndGet(); // an earlier run's records in a reused topic
            continue;
          }
          check.record(r.partition(), Integer.parseInt(value.substring(prefix.length())), r.offset());
        }
        if (!records.isEmpty()) {
          consumer.commitSync(Duration.ofSeconds(o.timeoutS));
        }
        if (check.complete()) {
          quietUntil.compareAndSet(0, System.nanoTime() + QUIET_NS);
        }
      }
    } catch (E2eFailure e) {
      failure.compareAndSet(null, e);
    } catch (RuntimeException e) {
      failure.compareAndSet(null, new E2eFailure("consumer " + index + " (group " + o.group + ")", e));
    }
  }
}
