package dev.kgate.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClient;

/**
 * Java kafka-clients scenarios through kgate. Prints one OK line per scenario; on the first
 * failure prints what failed and exits 1 (2 for a bad command line).
 */
public final class JavaE2e {
  private JavaE2e() {}

  /** kafka-clients' own version file (the class that reads it moved between releases). */
  static String clientVersion() {
    try (InputStream in = AdminClient.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** One scenario's run, returning its summary. */
  private interface Scenario {
    String run() throws E2eFailure;
  }

  /**
   * Runs a scenario when it was asked for and prints its OK line with the time it took; a
   * failure comes back as "NAME: FAILED: why".
   */
  private static void maybeRun(Options o, String label, String name, Scenario scenario) throws E2eFailure {
    if (!o.scenarios.contains(name)) {
      return;
    }
    long t = System.nanoTime();
    String detail;
    try {
      detail = scenario.run();
    } catch (E2eFailure e) {
      throw new E2eFailure(name + ": FAILED: " + e.getMessage());
    } catch (RuntimeException e) {
      e.printStackTrace();
      throw new E2eFailure(name + ": FAILED: " + E2eFailure.describe(e));
    }
    System.out.printf("%s %s: OK %s (%.1f s)%n", label, name, detail, (System.nanoTime() - t) / 1e9);
  }

  public static void main(String[] args) {
    String label = "java-e2e[kafka-clients " + clientVersion() + "]";
    Options o;
    try {
      o = Options.parse(args);
    } catch (E2eFailure e) {
      System.err.println(label + ": " + e.getMessage());
      System.exit(2);
      return;
    }
    GatewayAddresses gateway = new GatewayAddresses(o);
    try {
      // Alone (Options says so): every connection of this client must fail.
      maybeRun(o, label, "refused", () -> new RefusedCheck(o).run());
      if (!o.scenarios.contains("refused")) {
        try (AdminClient admin = Clients.admin(o)) {
          maybeRun(o, label, "produce-consume", () -> new ProduceConsume(o, gateway).run(admin));
          maybeRun(o, label, "transactions", () -> new Transactions(o, gateway).run(admin));
          maybeRun(o, label, "admin", () -> new AdminChecks(o, gateway).run(admin, o.scenarios.contains("produce-consume")));
        }
      }
    } catch (E2eFailure e) {
      System.err.println(label + " " + e.getMessage());
      System.exit(1);
    } catch (RuntimeException e) {
      System.err.println(label + " setup: FAILED: " + E2eFailure.describe(e));
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }
}
