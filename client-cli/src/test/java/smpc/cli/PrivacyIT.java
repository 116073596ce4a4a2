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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.Packing;
import smpc.dealer.DealerNode;
import smpc.net.Tls;
import smpc.party.PartyNode;
import smpc.sdk.Cluster;
import smpc.sdk.ClusterConfig;
import smpc.sdk.Evaluation;

/**
 * Records every byte the coordinator receives during a computation and checks that no share of an
 * input or of a value not revealed to it is among it, on a plaintext cluster and over mutual TLS. Parties run in this JVM (over real gRPC on
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

  /**
   * On a plaintext cluster every share of the result goes through its recipient, carol, who sends the sum. Over mutual
   * TLS each party here is asked by its own client, so every party sends the coordinator its share of the result, to add
   * up (docs/security.md "Reveals"): shares of a value revealed to it. Never a share of anything else: of the shared
   * input, of a value kept and never revealed (one that differs from the result by a constant would be: the first party
   * alone adds constants), or an input.
   */
  @ParameterizedTest(name = "tls={0}")
  @ValueSource(booleans = {false, true})
  void theCoordinatorReceivesNoShareButOfWhatIsRevealedToIt(boolean tls, @TempDir Path dir) throws Exception {
    int base = TestCluster.freeBasePort(4);
    List<String> names = List.of("alice", "bob", "carol");
    if (tls) Certificates.create(dir, names, List.of(), 1);
    Map<String, String> addr = new LinkedHashMap<>();
    for (int i = 0; i < 3; i++) addr.put(names.get(i), "127.0.0.1:" + (base + 1 + i));
    List<PartyNode> parties = new ArrayList<>();
    try (DealerNode dealer = DealerNode.start("127.0.0.1", base, tls ? new Tls(dir, "dealer") : null)) {
      for (int i = 0; i < 3; i++) {
        Map<String, String> peers = new LinkedHashMap<>(addr);
        peers.remove(names.get(i));
        parties.add(PartyNode.start(names.get(i), "127.0.0.1", base + 1 + i, peers, "127.0.0.1:" + base, 16, 1L << 30, null,
            tls ? new Tls(dir, names.get(i)) : null));
      }
      Recorder rec = new Recorder();
      Random rnd = new Random(7);
      long[] x = rnd.longs(32).toArray(), y = rnd.longs(32).toArray();
      ClusterConfig config = ClusterConfig.local(names, base);
      if (tls) config = config.withTls(new ClusterConfig.TlsConfig(dir.toString(), null)); // each party's own client
      try (Cluster c = Cluster.connect(config, rec)) {
        c.input("alice", "x", x);
        c.input("bob", "y", y);
        c.share("x", List.of("bob", "carol"), "xs");
        Evaluation ev = c.evaluate(List.of(new Compiler.Output(Parser.parse("xs * y + 7"), "carol", null, "res"),
            Compiler.Output.store(Parser.parse("xs - y"), "kept"), new Compiler.Output(Parser.parse("y - 1"), "carol", "ym1", null)), names);
        long[] revealed = ev.revealed().get(0);

        for (int i = 0; i < 32; i++) assertThat(revealed[i]).isEqualTo(x[i] * y[i] + 7);
        // a result kept at carol under a name comes whole from her, whatever the routes
        assertThat(ev.revealed().get(1)[5]).isEqualTo(y[5] - 1);
        assertThat(rec.contains(y[5] - 1)).as("the recorder sees what the coordinator receives").isTrue();
        assertThat(rec.contains(revealed[5])).as("the sum travels only through carol").isEqualTo(!tls);
        int checked = 0;
        for (PartyNode p : parties) {
          for (String name : tls ? List.of("xs", "kept") : List.of("xs", "res", "kept")) {
            for (long share : p.stored(name).data()) {
              assertThat(rec.contains(share)).as("a share of %s reached the coordinator", name).isFalse();
              checked++;
            }
          }
          if (tls) { // res is revealed to carol's client: the parts it adds up are the parties' shares of it
            for (long share : p.stored("res").data()) assertThat(rec.contains(share)).as("a share of res, revealed to carol").isTrue();
          }
        }
        assertThat(checked).isEqualTo(3 * (tls ? 2 : 3) * 32);
        for (long v : y) assertThat(rec.contains(v)).as("an input reached the coordinator").isFalse();
      }
    } finally {
      parties.forEach(PartyNode::close);
    }
  }
}
