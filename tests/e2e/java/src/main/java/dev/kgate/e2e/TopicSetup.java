package dev.kgate.e2e;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the scenario's topic through kgate (or finds it there) with the partitions asked for. */
final class TopicSetup {
  private TopicSetup() {}

  static short replicationFactor(Options o, AdminClient admin) throws E2eFailure {
    if (o.replicationFactor > 0) {
      return o.replicationFactor;
    }
    Collection<Node> nodes = Waits.get("describeCluster", admin.describeCluster().nodes(), o.timeoutS);
    return (short) Math.max(1, Math.min(3, nodes.size()));
  }

  /** Creates the topic unless kgate already lists it; true when it created it. */
  static boolean ensure(Options o, AdminClient admin, String topic, int partitions) throws E2eFailure {
    Set<String> names = Waits.get("listTopics", admin.listTopics().names(), o.timeoutS);
    return !names.contains(topic) && create(o, admin, topic, partitions);
  }

  /** Returns true when it created the topic, false when the topic was already there. */
  static boolean create(Options o, AdminClient admin, String topic, int partitions) throws E2eFailure {
    NewTopic spec = new NewTopic(topic, partitions, replicationFactor(o, admin));
    try {
      Waits.get("createTopics " + topic, admin.createTopics(List.of(spec)).all(), o.timeoutS);
      return true;
    } catch (E2eFailure e) {
      if (e.getCause() instanceof TopicExistsException) {
        return false;
      }
      throw e;
    }
  }

  /** Bounded wait until the topic is (or is no longer) among the topics kgate lists. */
  static void awaitListed(Options o, AdminClient admin, String topic, boolean listed) throws E2eFailure {
    Waits.until("topic " + topic + (listed ? " listed" : " gone"), o.timeoutS, () -> {
      Set<String> names = Waits.get("listTopics", admin.listTopics().names(), o.timeoutS);
      return names.contains(topic) == listed;
    });
  }
}
