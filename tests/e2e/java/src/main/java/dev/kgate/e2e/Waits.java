package dev.kgate.e2e;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaFuture;

/** Bounded waits on client futures and conditions. */
final class Waits {
  private Waits() {}

  static <T> T get(String what, KafkaFuture<T> future, int seconds) throws E2eFailure {
    try {
      return future.get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new E2eFailure(what + " failed", e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      throw new E2eFailure(what + " did not answer within " + seconds + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new E2eFailure(what + " was interrupted");
    }
  }

  interface Condition {
    boolean holds() throws E2eFailure;
  }

  /** Polls `condition` every 200 ms until it holds; fails naming `what` after `seconds`. */
  static void until(String what, int seconds, Condition condition) throws E2eFailure {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new E2eFailure(what + " not within " + seconds + " s");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new E2eFailure(what + ": interrupted");
      }
    }
  }
}
