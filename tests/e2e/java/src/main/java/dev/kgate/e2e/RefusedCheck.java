package dev.kgate.e2e;

import javax.net.ssl.SSLException;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * A client the gateway must refuse (under tls-client-auth required, one without a key store):
 * describeCluster must fail with a TLS authentication error. Success fails the check, and so
 * does any other failure (a timeout says nothing about why).
 */
final class RefusedCheck {
  private final Options o;

  RefusedCheck(Options o) {
    this.o = o;
  }

  String run() throws E2eFailure {
    try (AdminClient admin = Clients.admin(o)) {
      int nodes = Waits.get("describeCluster", admin.describeCluster().nodes(), o.timeoutS).size();
      throw new E2eFailure("the gateway served this client (describeCluster listed " + nodes + " brokers)");
    } catch (E2eFailure e) {
      if (!isTlsRefusal(e)) {
        throw e;
      }
      return "describeCluster refused: " + E2eFailure.describe(e);
    }
  }

  private static boolean isTlsRefusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SslAuthenticationException || t instanceof SSLException) {
        return true;
      }
    }
    return false;
  }
}
