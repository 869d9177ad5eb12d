package dev.kgate.e2e;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * AdminClient calls through kgate: createTopics, describeCluster (gateway addresses only),
 * describeConfigs of a broker, listConsumerGroups and listConsumerGroupOffsets (the scenario's
 * group: its committed offsets under the topic name it used), deleteTopics (unless --skip-admin
 * leaves it out).
 */
final class AdminChecks {
  private final Options o;
  private final GatewayAddresses gateway;

  AdminChecks(Options o, GatewayAddresses gateway) {
    this.o = o;
    this.gateway = gateway;
  }

  String run(AdminClient admin, boolean groupExpected) throws E2eFailure {
    List<String> done = new ArrayList<>();

    DescribeClusterResult cluster = admin.describeCluster();
    Collection<Node> nodes = Waits.get("describeCluster nodes", cluster.nodes(), o.timeoutS);
    Node controller = Waits.get("describeCluster controller", cluster.controller(), o.timeoutS);
    String clusterId = Waits.get("describeCluster clusterId", cluster.clusterId(), o.timeoutS);
    if (nodes.isEmpty()) {
      throw new E2eFailure("describeCluster lists no nodes");
    }
    List<Node> all = new ArrayList<>(nodes);
    all.add(controller);
    gateway.check("describeCluster", all);
    List<String> listed = new ArrayList<>();
    for (Node n : nodes) {
      listed.add(n.id() + "=" + n.host() + ":" + n.port());
    }
    done.add("describeCluster " + clusterId + ": " + nodes.size() + " nodes, all gateway addresses (" + String.join(" ", listed) + ")");

    String topic = o.topic + "-admin";
    if (!TopicSetup.create(o, admin, topic, 3)) {
      throw new E2eFailure("createTopics " + topic + ": the topic already existed before the call");
    }
    TopicSetup.awaitListed(o, admin, topic, true);
    done.add("createTopics " + topic + " (3 partitions)");

    Node broker = nodes.iterator().next();
    ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker.id()));
    Map<ConfigResource, Config> configs = Waits.get("describeConfigs broker " + broker.id(),
        admin.describeConfigs(List.of(resource)).all(), o.timeoutS);
    Config config = configs.get(resource);
    if (config == null || config.entries().isEmpty()) {
      throw new E2eFailure("describeConfigs broker " + broker.id() + " returned no entries");
    }
    done.add("describeConfigs broker " + broker.id() + ": " + config.entries().size() + " entries");

    if (groupExpected) {
      Waits.until("listConsumerGroups lists " + o.group, o.timeoutS, () -> {
        Collection<ConsumerGroupListing> groups =
            Waits.get("listConsumerGroups", admin.listConsumerGroups().all(), o.timeoutS);
        return groups.stream().anyMatch(g -> g.groupId().equals(o.group));
      });
      done.add("listConsumerGroups lists " + o.group);
      // All of the group's offsets (OffsetFetch with topics null: v7 from kafka-clients 2.6.0).
      Map<TopicPartition, OffsetAndMetadata> offsets = Waits.get("listConsumerGroupOffsets " + o.group,
          admin.listConsumerGroupOffsets(o.group).partitionsToOffsetAndMetadata(), o.timeoutS);
      List<String> foreign = new ArrayList<>();
      for (TopicPartition tp : offsets.keySet()) {
        if (!tp.topic().equals(o.topic)) {
          foreign.add(tp.toString());
        }
      }
      if (offsets.isEmpty() || !foreign.isEmpty()) {
        throw new E2eFailure("listConsumerGroupOffsets " + o.group + ": expected partitions of " + o.topic + ", got "
            + (offsets.isEmpty() ? "none" : "also " + String.join(", ", foreign)));
      }
      done.add("listConsumerGroupOffsets " + o.group + ": " + offsets.size() + " partitions of " + o.topic);
    } else {
      Waits.get("listConsumerGroups", admin.listConsumerGroups().all(), o.timeoutS);
      done.add("listConsumerGroups answered (no group expected)");
    }

    if (o.skipAdmin.contains("deleteTopics")) {
      done.add("deleteTopics left out (--skip-admin)");
    } else {
      Waits.get("deleteTopics " + topic, admin.deleteTopics(List.of(topic)).all(), o.timeoutS);
      TopicSetup.awaitListed(o, admin, topic, false);
      done.add("deleteTopics " + topic);
    }
    return String.join("; ", done);
  }
}
