package dev.kgate.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Command line of the Java scenarios; every value is checked before any client starts. */
final class Options implements Cloneable {
  String bootstrap;
  String gatewayHost;
  int gatewayFirstPort;
  int gatewayLastPort;
  int bootstrapPort;
  String topic = "java-e2e";
  String group;
  String runId = Long.toString(ProcessHandle.current().pid());
  int count = 20000;
  int consumers = 3;
  int partitions = 12;
  short replicationFactor = 0; // 0: as many replicas as brokers, at most 3
  int timeoutS = 120;
  List<String> hidden = new ArrayList<>();
  List<String> scenarios = List.of("produce-consume", "admin");
  /** Admin calls a broker is known not to serve at this client's version (KoP: deleteTopics below v6). */
  List<String> skipAdmin = List.of();
  /** A properties file of client settings every client gets (security.protocol, ssl.*, sasl.*). */
  String clientProperties;
  /** Consumers read with isolation.level=read_committed (the transactions scenario sets it). */
  boolean readCommitted;
  /** What the refused scenario expects: a TLS refusal (tls) or the broker's SASL error (sasl). */
  String refusal = "tls";
  /**
   * Through kgate's SNI port: every broker must be told as this pattern with its node id in
   * place of {node}, at the bootstrap's port (null: port-per-broker, kgate's host and ports).
   */
  String sniBrokerPattern;

  static final List<String> SCENARIOS = List.of("produce-consume", "transactions", "admin", "refused");

  static final String USAGE =
      "usage: JavaE2e --bootstrap HOST:PORT --gateway-ports FIRST-LAST [--topic T] [--group G]\n"
          + "  [--run-id ID] [--count N] [--consumers C] [--partitions P] [--replication-factor R] [--timeout-s S]\n"
          + "  [--hidden HOST:PORT,...] [--scenarios produce-consume,transactions,admin,refused]\n"
          + "  [--skip-admin deleteTopics] [--client-properties FILE] [--refusal tls|sasl]\n"
          + "  [--sni-broker-pattern broker-{node}.DOMAIN]";

  static Options parse(String[] args) throws E2eFailure {
    Options o = new Options();
    String ports = null;
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new E2eFailure("option " + name + " needs a value\n" + USAGE);
      }
      String value = args[i + 1];
      switch (name) {
        case "--bootstrap": o.bootstrap = value; break;
        case "--gateway-ports": ports = value; break;
        case "--topic": o.topic = value; break;
        case "--group": o.group = value; break;
        case "--run-id": o.runId = value; break;
        case "--count": o.count = number(name, value, 1, 10_000_000); break;
        case "--consumers": o.consumers = number(name, value, 1, 12); break;
        case "--partitions": o.partitions = number(name, value, 1, 1000); break;
        case "--replication-factor": o.replicationFactor = (short) number(name, value, 1, 3); break;
        case "--timeout-s": o.timeoutS = number(name, value, 5, 3600); break;
        case "--hidden": o.hidden = splitList(value); break;
        case "--scenarios": o.scenarios = splitList(value); break;
        case "--skip-admin": o.skipAdmin = splitList(value); break;
        case "--client-properties": o.clientProperties = value; break;
        case "--refusal": o.refusal = value; break;
        case "--sni-broker-pattern": o.sniBrokerPattern = value; break;
        default: throw new E2eFailure("unknown option " + name + "\n" + USAGE);
      }
    }
    if (o.bootstrap == null || ports == null) {
      throw new E2eFailure("--bootstrap and --gateway-ports are required\n" + USAGE);
    }
    int colon = o.bootstrap.lastIndexOf(':');
    if (colon <= 0) {
      throw new E2eFailure("--bootstrap must be HOST:PORT, not " + o.bootstrap);
    }
    o.gatewayHost = o.bootstrap.substring(0, colon);
    int bootstrapPort = number("--bootstrap port", o.bootstrap.substring(colon + 1), 1, 65535);
    String[] range = ports.split("-", 2);
    if (range.length != 2) {
      throw new E2eFailure("--gateway-ports must be FIRST-LAST, not " + ports);
    }
    o.gatewayFirstPort = number("--gateway-ports", range[0], 1, 65535);
    o.gatewayLastPort = number("--gateway-ports", range[1], o.gatewayFirstPort, 65535);
    o.bootstrapPort = bootstrapPort; // the bootstrap listener is a gateway address too
    for (String s : o.scenarios) {
      if (!SCENARIOS.contains(s)) {
        throw new E2eFailure("unknown scenario " + s + " " + SCENARIOS);
      }
    }
    for (String s : o.skipAdmin) {
      if (!s.equals("deleteTopics")) {
        throw new E2eFailure("--skip-admin: " + s + " cannot be left out (deleteTopics)");
      }
    }
    if (!o.refusal.equals("tls") && !o.refusal.equals("sasl")) {
      throw new E2eFailure("--refusal must be tls or sasl, not " + o.refusal);
    }
    if (o.sniBrokerPattern != null && o.sniBrokerPattern.indexOf("{node}") < 0) {
      throw new E2eFailure("--sni-broker-pattern must hold {node}, not " + o.sniBrokerPattern);
    }
    if (o.scenarios.contains("refused") && o.scenarios.size() > 1) {
      throw new E2eFailure("--scenarios: refused runs alone (it expects every connection to fail)");
    }
    if (o.group == null) {
      o.group = "java-e2e-" + o.runId;
    }
    return o;
  }

  /** The same options for a scenario of its own topic and group. */
  Options withTopicAndGroup(String topic, String group) {
    try {
      Options copy = (Options) super.clone(); // shallow: nothing is changed after parse()
      copy.topic = topic;
      copy.group = group;
      return copy;
    } catch (CloneNotSupportedException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> splitList(String value) {
    List<String> out = new ArrayList<>();
    for (String s : Arrays.asList(value.split(","))) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  private static int number(String name, String value, int min, int max) throws E2eFailure {
    try {
      int n = Integer.parseInt(value.trim());
      if (n < min || n > max) {
        throw new E2eFailure(name + " must lie in " + min + ".." + max + ", not " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new E2eFailure(name + " must be a number, not " + value);
    }
  }
}
