package smpc.party;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Calls that run on the unbounded pool because they go on to wait for the other parties (Execute, Align) are checked
 * there first, and a refused one waits for its audit record's sync on that thread. At most {@link #LIMIT} calls are in
 * their checks at once; beyond, a call is refused as busy, that refusal recorded on the calls pool. So a flood of
 * refused calls (any certificate holder can send them) costs at most that many threads, as on {@link PartyNode#calls},
 * while an admitted call starts with no extra hand-off (a session's start is on W1's critical path).
 */
final class Starts {
  static final int LIMIT = 64;
  private final Semaphore checking = new Semaphore(LIMIT);

  /**
   * Runs {@code handler} on {@code io}, handing it the callback to call once its checks passed (the permit goes back
   * then, or when it ends); when {@link #LIMIT} calls are in their checks, runs {@code busy} on {@code calls} instead.
   */
  void start(Executor io, Executor calls, StreamObserver<?> resp, Consumer<Runnable> handler, Runnable busy) {
    if (!checking.tryAcquire()) {
      Handlers.offload(calls, resp, busy);
      return;
    }
    AtomicBoolean held = new AtomicBoolean(true);
    Runnable checked = () -> {
      if (held.getAndSet(false)) checking.release();
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
}
