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
    String scenario = "setup";
    try (AdminClient admin = Clients.admin(o)) {
      if (o.scenarios.contains("produce-consume")) {
        scenario = "produce-consume";
        long t = System.nanoTime();
        String detail = new ProduceConsume(o, gateway).run(admin);
        System.out.printf("%s %s: OK %s (%.1f s)%n", label, scenario, detail, (System.nanoTime() - t) / 1e9);
      }
      if (o.scenarios.contains("admin")) {
        scenario = "admin";
        long t = System.nanoTime();
        String detail = new AdminChecks(o, gateway).run(admin, o.scenarios.contains("produce-consume"));
        System.out.printf("%s %s: OK %s (%.1f s)%n", label, scenario, detail, (System.nanoTime() - t) / 1e9);
      }
    } catch (E2eFailure e) {
      System.err.println(label + " " + scenario + ": FAILED: " + e.getMessage());
      System.exit(1);
    } catch (RuntimeException e) {
      System.err.println(label + " " + scenario + ": FAILED: " + E2eFailure.describe(e));
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }
}
