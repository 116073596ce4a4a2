package smpc.cli;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits for the integration tests: long enough for a loaded 2-core machine (several JVMs starting at
 * once), and a failure names what was awaited. A bound here only stops a hung test; it never measures speed.
 */
final class Waits {
  /** What a wait for one process, call or session allows on a loaded machine. */
  static final int SECONDS = 120;

  private Waits() {}

  /** The future's value; fails naming {@code what} after {@link #SECONDS}. */
  static <T> T get(Future<T> f, String what) throws InterruptedException, ExecutionException {
    try {
      return f.get(SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("waited " + SECONDS + " s for " + what + " in vain", e);
    }
  }

  /** Polls {@code done} every 100 ms; fails naming {@code what} after {@code seconds}. */
  static void until(BooleanSupplier done, int seconds, String what) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > until) throw new AssertionError("waited " + seconds + " s for " + what + " in vain");
      Thread.sleep(100);
    }
  }
}
