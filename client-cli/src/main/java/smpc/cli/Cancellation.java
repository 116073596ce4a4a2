package smpc.cli;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cancels every call one command makes, as its own JVM's exit would (the agent's command whose caller was killed):
 * each party then sees its coordinator's calls cancelled and cancels the session. Calls started afterwards are
 * cancelled as they start, so the command ends at its next call, but for deletions: what it cleans up on its way out
 * (its finally blocks) is still deleted.
 */
final class Cancellation implements ClientInterceptor {
  private final Set<ClientCall<?, ?>> open = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    // a command's clean-up (its temporary values: logreg's copies of the inputs, say) still runs after a cancellation
    if ("DeleteValue".equals(method.getBareMethodName())) return next.newCall(method, options);
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        ClientCall<Q, R> call = this;
        open.add(call);
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            open.remove(call);
            super.onClose(status, trailers);
          }
        }, headers);
        if (cancelled) cancel("the command's caller was interrupted", null);
      }
    };
  }

  /** Cancels the calls in flight and every later one. */
  void cancelAll() {
    cancelled = true;
    for (ClientCall<?, ?> c : open) c.cancel("the command's caller was interrupted", null);
  }
}
