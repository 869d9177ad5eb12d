package dev.kgate.e2e;

import javax.net.ssl.SSLException;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * A client the gateway or the broker must refuse: describeCluster must fail with the error that
 * says why. `--refusal tls`: a TLS authentication error (under tls-client-auth required, a
 * client without a key store). `--refusal sasl`: the broker's SASL authentication error (a
 * wrong password), its own words ("invalid credentials") reaching the client. Success fails
 * the check, and so does any other failure (a timeout says nothing about why).
 */
final class RefusedCheck {
  private final Options o;

  RefusedCheck(Options o) {
    this.o = o;
  }

  String run() throws E2eFailure {
    try (AdminClient admin = Clients.admin(o)) {
      int nodes = Waits.get("describeCluster", admin.describeCluster().nodes(), o.timeoutS).size();
      throw new E2eFailure("the client was served (describeCluster listed " + nodes + " brokers)");
    } catch (E2eFailure e) {
      if (!expected(e)) {
        throw new E2eFailure("not refused with the " + o.refusal + " error expected: " + e.getMessage());
      }
      return "describeCluster refused: " + E2eFailure.describe(e);
    }
  }

  private boolean expected(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (o.refusal.equals("tls") && (t instanceof SslAuthenticationException || t instanceof SSLException)) {
        return true;
      }
      if (o.refusal.equals("sasl") && t instanceof SaslAuthenticationException
          && String.valueOf(t.getMessage()).contains("invalid credentials")) {
        return true;
      }
    }
    return false;
  }
}
