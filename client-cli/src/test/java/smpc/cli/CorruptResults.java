package smpc.cli;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import smpc.proto.ExecuteReply;

/**
 * Plays a faulty party on the coordinator's side: adds 2^40 to the middle element of every revealed output
 * that reaches the client, so a check of the results must catch it.
 */
final class CorruptResults implements ClientInterceptor {
  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
    return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(new SimpleForwardingClientCallListener<>(listener) {
          @Override
          @SuppressWarnings("unchecked")
          public void onMessage(R message) {
            super.onMessage(message instanceof ExecuteReply r && r.hasRevealed() ? (R) corrupt(r) : message);
          }
        }, headers);
      }
    };
  }

  private static ExecuteReply corrupt(ExecuteReply r) {
    var v = r.getRevealed();
    long at = v.getLength() / 2 - v.getOffset(); // the element's place within this chunk
    if (at < 0 || at >= v.getData().size() / 8) return r;
    ByteBuffer b = ByteBuffer.wrap(v.getData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong((int) at * 8, b.getLong((int) at * 8) + (1L << 40));
    return r.toBuilder().setRevealed(v.toBuilder().setData(ByteString.copyFrom(b.array()))).build();
  }
}
