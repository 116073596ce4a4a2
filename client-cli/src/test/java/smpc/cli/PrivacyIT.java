package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.MessageLite;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.Packing;
import smpc.dealer.DealerNode;
import smpc.party.PartyNode;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;

/**
 * Records every byte the coordinator receives during a computation and checks that no share of an
 * input or of the unrevealed result is among it. Parties run in this JVM (over real gRPC on
 * loopback) only so that the test can read their shares to search for them.
 */
class PrivacyIT {
  /** Every message the client receives, serialized. */
  static final class Recorder implements ClientInterceptor {
    final ByteArrayOutputStream received = new ByteArrayOutputStream();

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onMessage(R message) {
              synchronized (received) {
                received.writeBytes(((MessageLite) message).toByteArray());
              }
              super.onMessage(message);
            }
          }, headers);
        }
      };
    }

    boolean contains(long v) {
      byte[] needle = Packing.toBytes(new long[] {v});
      byte[] hay;
      synchronized (received) {
        hay = received.toByteArray();
      }
      outer:
      for (int i = 0; i + 8 <= hay.length; i++) {
        for (int j = 0; j < 8; j++) if (hay[i + j] != needle[j]) continue outer;
        return true;
      }
      return false;
    }
  }

  @Test
  void theCoordinatorNeverReceivesAShare() throws Exception {
    int base = TestCluster.freeBasePort(4);
    List<String> names = List.of("alice", "bob", "carol");
    Map<String, String> addr = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) addr.put(names.get(i), "127.0.0.1:" + (base + 1 + i));
    List<PartyNode> parties = new ArrayList<>();
    try (DealerNode dealer = DealerNode.start("127.0.0.1", base)) {
      for (int i = 0; i < 3; i++) {
        Map<String, String> peers = new LinkedHashMap<>(addr);
        peers.remove(names.get(i));
        parties.add(PartyNode.start(names.get(i), "127.0.0.1", base + 1 + i, peers, "127.0.0.1:" + base, 16, 1L << 30));
      }
      Recorder rec = new Recorder();
      Random rnd = new Random(7);
      long[] x = rnd.longs(32).toArray(), y = rnd.longs(32).toArray();
      try (Cluster c = Cluster.connect(ClusterConfig.local(names, base), rec)) {
        c.input("alice", "x", x);
        c.input("bob", "y", y);
        c.share("x", List.of("bob", "carol"), "xs");
        long[] revealed = c.evaluate(List.of(new Compiler.Output(Parser.parse("xs * y + 7"), "carol", null, "res")),
            names).revealed().get(0);

        for (int i = 0; i < 32; i++) assertThat(revealed[i]).isEqualTo(x[i] * y[i] + 7);
        assertThat(rec.contains(revealed[5])).as("the recorder sees what the coordinator receives").isTrue();
        int checked = 0;
        for (PartyNode p : parties) {
          for (String name : List.of("xs", "res")) {
            for (long share : p.stored(name).data()) {
              assertThat(rec.contains(share)).as("a share of %s reached the coordinator", name).isFalse();
              checked++;
            }
          }
        }
        assertThat(checked).isEqualTo(3 * 2 * 32);
        for (long v : y) assertThat(rec.contains(v)).as("an input reached the coordinator").isFalse();
      }
    } finally {
      parties.forEach(PartyNode::close);
    }
  }
}
