package dev.kgate.e2e;

/** A scenario check that did not hold; its message is what the runner prints. */
final class E2eFailure extends Exception {
  private static final long serialVersionUID = 1L;

  E2eFailure(String message) {
    super(message);
  }

  E2eFailure(String message, Throwable cause) {
    super(message + ": " + describe(cause), cause);
  }

  /** The innermost cause's class and message: what a Kafka client error really was. */
  static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " " + root.getMessage());
  }
}
