package dev.kgate.e2e;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;

/**
 * The rule every broker address a client is told must follow: kgate's host and one of its ports,
 * or through the SNI port, the broker's own name from the pattern at that one port.
 */
final class GatewayAddresses {
  private final Options options;

  GatewayAddresses(Options options) {
    this.options = options;
  }

  boolean isGateway(Node node) {
    if (options.hidden.contains(node.host() + ":" + node.port())) {
      return false;
    }
    if (options.sniBrokerPattern != null) {
      return node.host().equalsIgnoreCase(sniName(node.id())) && node.port() == options.bootstrapPort;
    }
    return node.host().equals(options.gatewayHost)
        && (node.port() == options.bootstrapPort
            || (node.port() >= options.gatewayFirstPort && node.port() <= options.gatewayLastPort));
  }

  private String sniName(int nodeId) {
    return options.sniBrokerPattern.replace("{node}", Integer.toString(nodeId));
  }

  /** The rule, for a failure's message. */
  private String rule() {
    if (options.sniBrokerPattern != null) {
      return options.sniBrokerPattern + ":" + options.bootstrapPort;
    }
    return options.gatewayHost + ":" + options.gatewayFirstPort + "-" + options.gatewayLastPort;
  }

  /** Fails naming every node that is not a gateway address; `what` says where they came from. */
  void check(String what, Collection<Node> nodes) throws E2eFailure {
    List<String> bad = new ArrayList<>();
    for (Node node : nodes) {
      if (node == null || node.isEmpty()) {
        continue; // no leader right now: nothing was advertised
      }
      if (!isGateway(node)) {
        bad.add(node.id() + "=" + node.host() + ":" + node.port());
      }
    }
    if (!bad.isEmpty()) {
      throw new E2eFailure(what + " names addresses outside the gateway (" + rule() + "): " + String.join(", ", bad));
    }
  }

  /** A client's view of the scenario's topic: all its partitions, every node a gateway address. */
  void checkPartitions(String who, List<PartitionInfo> infos, Options scenario) throws E2eFailure {
    if (infos == null || infos.size() != scenario.partitions) {
      throw new E2eFailure(who + " sees " + (infos == null ? 0 : infos.size()) + " partitions of " + scenario.topic
          + ", " + scenario.partitions + " expected");
    }
    List<Node> nodes = new ArrayList<>();
    for (PartitionInfo info : infos) {
      nodes.add(info.leader());
      nodes.addAll(List.of(info.replicas()));
      nodes.addAll(List.of(info.inSyncReplicas()));
    }
    check(who + "'s metadata for " + scenario.topic, nodes);
  }
}
