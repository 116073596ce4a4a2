package smpc.dealer;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * At most a few calls of a client or administrator whose request has not arrived whole. gRPC holds a request until its
 * last byte, before any handler or rule runs, and the dealer takes requests of up to 32 MiB (an alignment's tags): 170
 * calls of one client certificate, each sending all but the last byte of 32 MiB, once held 4.8 GB of its memory. A client
 * or an administrator only asks the dealer for its Status, one call at a time, so {@link #OTHER} of them at once bound
 * what one holds to 256 MiB; refused calls are RESOURCE_EXHAUSTED. A party is not limited here: one session asks for
 * several kinds of corrections at once and the dealer reads their headers before their requests, so an honest party of
 * eight concurrent sessions had dozens waiting for a moment (LoadIT). What a party's half-sent requests may hold is bounded
 * only by the connection (open: Intersect's tags in chunks, and a 4 MiB limit, would bound it). Without TLS there are
 * no principals, and no limit (as for Starts at the parties).
 */
final class PendingRequests implements ServerInterceptor {
  static final int OTHER = 8;

  private final Supplier<String> caller, role;
  private final Map<String, AtomicInteger> pending = new ConcurrentHashMap<>();

  PendingRequests(Supplier<String> caller, Supplier<String> role) {
    this.caller = caller;
    this.role = role;
  }

  /** How many of {@code who}'s calls wait for their request now. */
  int pending(String who) {
    AtomicInteger n = pending.get(who);
    return n == null ? 0 : n.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String who = caller.get();
    if (who == null || smpc.net.Tls.PARTY.equals(role.get())) return next.startCall(call, headers);
    int limit = OTHER;
    AtomicInteger n = pending.computeIfAbsent(who, k -> new AtomicInteger());
    if (n.incrementAndGet() > limit) {
      n.decrementAndGet();
      call.close(Status.RESOURCE_EXHAUSTED.withDescription(String.format("%s has %d requests still arriving at the dealer: try again"
          + " when they have", who, limit)), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean arrived = new AtomicBoolean();
    Runnable done = () -> {
      if (arrived.compareAndSet(false, true)) n.decrementAndGet();
    };
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException e) {
      done.run();
      throw e;
    }
    return new SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onMessage(Q message) {
        done.run();
        super.onMessage(message);
      }

      @Override
      public void onHalfClose() {
        done.run();
        super.onHalfClose();
      }

      @Override
      public void onCancel() {
        done.run();
        super.onCancel();
      }

      @Override
      public void onComplete() {
        done.run();
        super.onComplete();
      }
    };
  }
}
