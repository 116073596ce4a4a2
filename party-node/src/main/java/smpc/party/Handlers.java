package smpc.party;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;
import smpc.core.Failure;
import smpc.net.Statuses;

/**
 * How a party's services run their handlers: off the network threads (gRPC calls handlers on them, and they also carry
 * the peers' messages, so a handler that waits there holds up every session on that thread), with every failure a
 * clear status that never escapes to kill the process.
 */
final class Handlers {
  private static final Logger LOG = Logger.getLogger(PartyService.class.getName());

  private Handlers() {}

  /** Runs {@code handler} on {@code pool}, in the call's context (its caller, its cancellation). */
  static void offload(Executor pool, StreamObserver<?> resp, Runnable handler) {
    pool.execute(Context.current().wrap(() -> guard(resp, handler)));
  }

  /**
   * As {@link #offload}, for a call that only reads: skipped when its caller has gone (cancelled, or past its deadline)
   * while it waited for a thread, so a flood of reads given up on costs no read each. Calls that change something
   * (an Abort, a deletion, a consent) run even then: their caller may count on them having run.
   */
  static void offloadRead(Executor pool, StreamObserver<?> resp, Runnable handler) {
    pool.execute(Context.current().wrap(() -> {
      if (!Context.current().isCancelled()) guard(resp, handler);
    }));
  }

  /** Runs a handler so that any failure becomes a clear status and never escapes to kill the process. */
  static void guard(StreamObserver<?> resp, Runnable handler) {
    try {
      handler.run();
    } catch (StatusRuntimeException | Failure e) {
      resp.onError(Statuses.status(e));
    } catch (IllegalArgumentException e) {
      resp.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (OutOfMemoryError e) {
      resp.onError(Status.RESOURCE_EXHAUSTED.withDescription("party ran out of memory for this request").asRuntimeException());
    } catch (RuntimeException e) {
      if (e instanceof java.util.concurrent.CompletionException && (e.getCause() instanceof StatusRuntimeException || e.getCause() instanceof Failure)) {
        resp.onError(Statuses.status(e)); // a step's failure as a future gave it (a peer refused a message): its own status
        return;
      }
      LOG.log(Level.WARNING, "internal error", e);
      resp.onError(Status.INTERNAL.withDescription("internal error: " + e).asRuntimeException());
    }
  }
}
