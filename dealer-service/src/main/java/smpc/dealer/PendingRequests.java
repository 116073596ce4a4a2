package smpc.dealer;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What one principal's calls may hold of the dealer before their request has arrived whole. gRPC holds a request until
 * its last byte, before any handler or rule runs, and the dealer takes requests of up to 32 MiB (an alignment's tags):
 * 170 calls of one client certificate, each sending all but the last byte of 32 MiB, once held 4.8 GB, and the same
 * with bob's party certificate 5.5 GB. Two bounds, per principal (its certificate):
 *
 * <ul>
 *   <li>calls still receiving their request: at most {@link #OTHER} for a client or an administrator (which only ask for
 *       Status) and {@link #PARTY} for a party (a session asks for several kinds of corrections at once, and the
 *       dealer reads a burst's headers before their requests: an honest party of eight sessions had dozens waiting for
 *       a moment); beyond, a call is refused at once;
 *   <li>requests not whole after {@link #stallMs} (an honest one arrives with its headers; an alignment's 32 MiB of
 *       tags over a slow link may take seconds): at most {@link #STALLED} kept; each later one is ended then.
 * </ul>
 *
 * Refusals are RESOURCE_EXHAUSTED. Without TLS there are no principals, and no limit (as for Starts at the parties).
 */
final class PendingRequests implements ServerInterceptor {
  static final int OTHER = 8, PARTY = 64, STALLED = 4;
  static final long STALL_MS = 2_000;

  private final Supplier<String> caller, role;
  private final long stallMs;
  private final Map<String, Counts> byPrincipal = new ConcurrentHashMap<>();
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(smpc.net.Grpc.daemonThreads("dealer-stalls"));

  private static final class Counts {
    final AtomicInteger pending = new AtomicInteger(), stalled = new AtomicInteger();
  }

  PendingRequests(Supplier<String> caller, Supplier<String> role) {
    this(caller, role, STALL_MS);
  }

  PendingRequests(Supplier<String> caller, Supplier<String> role, long stallMs) {
    this.caller = caller;
    this.role = role;
    this.stallMs = stallMs;
  }

  /** How many of {@code who}'s calls wait for their request now. */
  int pending(String who) {
    Counts n = byPrincipal.get(who);
    return n == null ? 0 : n.pending.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String who = caller.get();
    if (who == null) return next.startCall(call, headers);
    int limit = smpc.net.Tls.PARTY.equals(role.get()) ? PARTY : OTHER;
    Counts n = byPrincipal.computeIfAbsent(who, k -> new Counts());
    if (n.pending.incrementAndGet() > limit) {
      n.pending.decrementAndGet();
      call.close(Status.RESOURCE_EXHAUSTED.withDescription(String.format("%s has %d requests still arriving at the dealer: try again"
          + " when they have", who, limit)), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Waiting w = new Waiting(call, n, who);
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException e) {
      w.arrived();
      throw e;
    }
    w.timeout = TIMER.schedule(w::stall, stallMs, TimeUnit.MILLISECONDS);
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        if (w.arrived()) super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        if (w.arrived()) super.onHalfClose();
      }

      @Override
      public void onCancel() {
        w.arrived();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        w.arrived();
        super.onComplete();
      }
    };
  }

  /** One call until its request has arrived: waiting (0), stalled (1), done (2), or ended here (3). */
  private static final class Waiting {
    private final ServerCall<?, ?> call;
    private final Counts n;
    private final String who;
    private final AtomicInteger state = new AtomicInteger();
    volatile ScheduledFuture<?> timeout;

    Waiting(ServerCall<?, ?> call, Counts n, String who) {
      this.call = call;
      this.n = n;
      this.who = who;
    }

    /** The request came (or the call ended): counts given back once; false when this call was ended here already. */
    boolean arrived() {
      int before;
      do {
        before = state.get();
        if (before >= 2) return before == 2;
      } while (!state.compareAndSet(before, 2));
      ScheduledFuture<?> t = timeout;
      if (t != null) t.cancel(false);
      n.pending.decrementAndGet();
      if (before == 1) n.stalled.decrementAndGet();
      return true;
    }

    /** Its request is not whole after the stall time: kept if its principal has room for one more such, else ended. */
    void stall() {
      if (n.stalled.incrementAndGet() <= STALLED) {
        if (!state.compareAndSet(0, 1)) n.stalled.decrementAndGet(); // it arrived meanwhile
        return;
      }
      n.stalled.decrementAndGet();
      if (!state.compareAndSet(0, 3)) return; // it arrived meanwhile
      n.pending.decrementAndGet();
      call.close(Status.RESOURCE_EXHAUSTED.withDescription(String.format("%s has %d requests at the dealer that did not arrive"
          + " in time: this one is ended", who, STALLED)), new Metadata());
    }
  }
}
