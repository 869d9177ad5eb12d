// Creates the benchmark's topics on the Kafka cluster of tests/e2e/kafka/cluster.sh and waits
// until every partition has a leader. The broker jars fetched for the e2e tests hold the Admin
// client (kafka-clients) but not the command-line tools, hence this. Run as a source file:
//   java -cp 'KAFKA_LIBS/*' CreateTopics.java BOOTSTRAP TIMEOUT_S NAME:PARTITIONS:REPLICATION...
// Exit 0 when all exist with a leader for every partition, 1 otherwise (with the reason), 2 on usage.
// The controller takes at most 10,000 records per request (one per partition, one per topic), so
// a bigger topic is made in steps: created with STEP partitions, then grown STEP at a time.
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

public class CreateTopics {
    private static final int STEP = 5000;

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: CreateTopics BOOTSTRAP TIMEOUT_S NAME:PARTITIONS:REPLICATION...");
            System.exit(2);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        List<NewTopic> topics = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String[] spec = args[i].split(":");
            if (spec.length != 3) {
                System.err.println("CreateTopics: bad topic " + args[i] + " (want NAME:PARTITIONS:REPLICATION)");
                System.exit(2);
            }
            topics.add(new NewTopic(spec[0], Integer.parseInt(spec[1]), Short.parseShort(spec[2])));
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) remainingMs(deadline));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) remainingMs(deadline));
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> first = topics.stream()
                .map(t -> new NewTopic(t.name(), Math.min(t.numPartitions(), STEP), t.replicationFactor()))
                .toList();
            admin.createTopics(first, new CreateTopicsOptions().timeoutMs((int) remainingMs(deadline)))
                .all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            for (NewTopic t : topics) {
                for (int n = STEP; n < t.numPartitions(); n += STEP) {
                    int to = Math.min(n + STEP, t.numPartitions());
                    admin.createPartitions(Map.of(t.name(), NewPartitions.increaseTo(to)),
                            new CreatePartitionsOptions().timeoutMs((int) remainingMs(deadline)))
                        .all().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                }
            }
            // Created in the controller's metadata; the brokers learn of it (and make the logs)
            // a moment later: asked until every partition is there and has a leader.
            List<String> names = topics.stream().map(NewTopic::name).toList();
            String missing = "";
            while (System.nanoTime() < deadline) {
                Map<String, TopicDescription> found = admin.describeTopics(names).allTopicNames()
                    .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                missing = "";
                for (NewTopic t : topics) {
                    List<TopicPartitionInfo> parts = found.get(t.name()).partitions();
                    long led = parts.stream().filter(p -> p.leader() != null && !p.leader().isEmpty()).count();
                    if (parts.size() != t.numPartitions() || led != t.numPartitions()) {
                        missing += " " + t.name() + " (" + led + " of " + t.numPartitions() + " partitions led)";
                    }
                }
                if (missing.isEmpty()) {
                    System.out.println("CreateTopics: " + String.join(" ", List.of(args).subList(2, args.length)) + " ready");
                    return;
                }
                Thread.sleep(500);
            }
            System.err.println("CreateTopics: not ready within " + args[1] + " s:" + missing);
            System.exit(1);
        }
    }

    private static long remainingMs(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
