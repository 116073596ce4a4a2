package smpc.party;

import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Calls that run on the unbounded pool because they go on to wait for the other parties (Execute, Align) are checked
 * there first, and a refused one waits for its audit record's sync on that thread. At most {@link #LIMIT} calls are in
 * their checks at once, and at most {@link #PER_PRINCIPAL} of one principal (the caller's certificate): beyond, a call
 * is refused as busy, that refusal recorded on the calls pool. So a flood of refused calls (any certificate holder can
 * send them) costs at most that many threads, as on {@link CallsPool}, and one certificate's flood leaves the other
 * principals most of the checks (with one limit for all, it had honest sessions refused as busy). An admitted call
 * starts with no extra hand-off (a session's start is on W1's critical path).
 */
final class Starts {
  static final int LIMIT = 64;
  /**
   * Half the places: one certificate's flood leaves the others half, and an honest client's burst of sessions (17 at
   * once in LimitsIT) meets the session quota's clear refusal, not this one (16, the quota itself, was met first).
   */
  static final int PER_PRINCIPAL = LIMIT / 2;
  private final Map<String, Integer> checking = new HashMap<>();
  private int total;

  /**
   * Runs {@code handler} on {@code io}, handing it the callback to call once its checks passed (the place goes back
   * then, or when it ends); when there is no place, runs {@code busy} on {@code calls} with the reason instead.
   */
  void start(Executor io, Executor calls, StreamObserver<?> resp, Consumer<Runnable> handler, Consumer<String> busy) {
    start(CallsPool.principal(), io, calls, resp, handler, busy);
  }

  /** As above for the principal {@code who} (without TLS, "": no principals to tell apart, the one limit only). */
  void start(String who, Executor io, Executor calls, StreamObserver<?> resp, Consumer<Runnable> handler, Consumer<String> busy) {
    String full = take(who);
    if (full != null) {
      Handlers.offload(calls, resp, () -> busy.accept(full));
      return;
    }
    AtomicBoolean held = new AtomicBoolean(true);
    Runnable checked = () -> {
      if (held.getAndSet(false)) give(who);
    };
    try {
      Handlers.offload(io, resp, () -> {
        try {
          handler.accept(checked);
        } finally {
          checked.run();
        }
      });
    } catch (RuntimeException rejected) { // the pool is shutting down
      checked.run();
      throw rejected;
    }
  }

  /** Takes a place for {@code who}, or says why there is none. */
  private synchronized String take(String who) {
    if (total >= LIMIT) return "busy checking " + LIMIT + " calls already";
    int mine = checking.getOrDefault(who, 0);
    if (mine >= PER_PRINCIPAL && !who.isEmpty()) return "checking " + PER_PRINCIPAL + " calls of '" + who + "' already";
    checking.put(who, mine + 1);
    total++;
    return null;
  }

  private synchronized void give(String who) {
    total--;
    if (checking.merge(who, -1, Integer::sum) == 0) checking.remove(who);
  }

  /** Calls in their checks, for tests. */
  synchronized int checking() {
    return total;
  }
}
