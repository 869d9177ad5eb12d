package dev.kgate.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The clients, configured with kgate's bootstrap address, bounded timeouts and whatever the
 * --client-properties file says (TLS, SASL).
 */
final class Clients {
  private Clients() {}

  private static Properties common(Options o, String clientId) {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, o.bootstrap);
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId + "-" + o.runId);
    p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "30000");
    if (o.clientProperties != null) {
      try (InputStream in = Files.newInputStream(Path.of(o.clientProperties))) {
        p.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read --client-properties " + o.clientProperties, e);
      }
    }
    return p;
  }

  static AdminClient admin(Options o) {
    Properties p = common(o, "java-e2e-admin");
    p.put("default.api.timeout.ms", "60000");
    return AdminClient.create(p);
  }

  /** Idempotent, acks=all: retries may neither duplicate nor reorder a partition's records. */
  static KafkaProducer<String, String> producer(Options o) {
    return producer(o, common(o, "java-e2e-producer"));
  }

  /** The same producer with a transactional id (a transaction's records share its fate). */
  static KafkaProducer<String, String> transactionalProducer(Options o, String transactionalId) {
    Properties p = common(o, "java-e2e-txn-producer");
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return producer(o, p);
  }

  private static KafkaProducer<String, String> producer(Options o, Properties p) {
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.toString(Math.max(35_000, o.timeoutS * 1000)));
    // delivery.timeout.ms may not be below linger.ms + request.timeout.ms.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
    return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
  }

  /** A group member that commits by hand, so the group keeps its offsets after it leaves. */
  static KafkaConsumer<String, String> consumer(Options o, int member) {
    Properties p = common(o, "java-e2e-consumer-" + member);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, o.group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    if (o.readCommitted) {
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }
    return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
  }
}
