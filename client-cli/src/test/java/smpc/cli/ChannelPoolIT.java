package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import smpc.sdk.ChannelPool;
import smpc.sdk.Cluster;

/** The agent's channels (ChannelPool) against real party processes with mutual TLS: shared, renewed, never mixed. */
class ChannelPoolIT {
  private static ClientInterceptor counting(AtomicInteger calls) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        calls.incrementAndGet();
        return next.newCall(method, options);
      }
    };
  }

  private static long seed(Cluster c) {
    return c.sessions().evaluate("(a*b) - 5*(a+b)", "alice", null, c.parties()).revealed().get(0)[0];
  }

  @Test
  void connectionsOnOnePoolShareItsChannelsButNotTheirInterceptorsOrIdentities() throws Exception {
    try (TestCluster cluster = TestCluster.start("alice", "bob", "carol"); ChannelPool pool = new ChannelPool()) {
      AtomicInteger first = new AtomicInteger(), second = new AtomicInteger();
      Cluster held = Cluster.connect(cluster.config(), pool, counting(first));
      held.input("alice", "a", new long[] {25});
      held.input("bob", "b", new long[] {50});
      assertThat(seed(held)).isEqualTo(875);
      int firstCalls = first.get();
      // each party's as its own client, and carol's as alice's too (alice asked for the result)
      assertThat(pool.size()).isEqualTo(4);

      // a second connection computes on the same channels, its calls seen by its own interceptor only
      try (Cluster c = Cluster.connect(cluster.config(), pool, counting(second))) {
        assertThat(seed(c)).isEqualTo(875);
      }
      assertThat(pool.size()).isEqualTo(4);
      assertThat(pool.open()).as("the second connection's close left them open").isEqualTo(4);
      assertThat(first.get()).as("the first connection's interceptor sees none of the second's calls").isEqualTo(firstCalls);
      assertThat(second.get()).isPositive();

      // the trusted files change (here, alice's organisation publishes an empty revocation list): new channels,
      // the server checked again; the old ones close when the connection still holding them does
      Path certs = Path.of(cluster.config().tls().dir());
      Files.writeString(certs.resolve("trust").resolve("alice.revoked"), "# nothing revoked\n");
      try (Cluster c = Cluster.connect(cluster.config(), pool)) {
        assertThat(seed(c)).isEqualTo(875);
      }
      assertThat(pool.size()).isEqualTo(4);
      assertThat(pool.open()).as("replaced, still held by the first connection").isEqualTo(8);
      held.close();
      assertThat(pool.open()).isEqualTo(4);

      // another identity gets channels of its own and acts as itself: bob's client is shown none of alice's values
      try (Cluster asBob = Cluster.connect(cluster.config().withAs("bob"), pool)) {
        assertThat(asBob.catalog().contains("b")).isTrue();
        assertThat(asBob.catalog().contains("a")).isFalse(); // asked of bob alone, on the channel bob's client had
        assertThat(asBob.status()).containsKeys("alice", "carol"); // alice and carol called as bob's client: new channels
      }
      assertThat(pool.size()).isGreaterThan(4);
    }
  }

  @Test
  void aChannelNoConnectionHoldsIsClosedOnceOlderThanTheLimitWhateverItsAddress() throws Exception {
    try (TestCluster cluster = TestCluster.start("alice", "bob", "carol"); ChannelPool pool = new ChannelPool(2_000)) {
      try (Cluster asCarol = Cluster.connect(cluster.config().withAs("carol"), pool)) {
        assertThat(asCarol.catalog().contains("c")).isFalse();
      }
      int each = pool.size();
      assertThat(each).isPositive();
      try (Cluster asAlice = Cluster.connect(cluster.config().withAs("alice"), pool)) {
        asAlice.input("alice", "a", new long[] {25});
        assertThat(asAlice.catalog().contains("a")).isTrue(); // a channel to each party now
        Thread.sleep(2_100); // carol's channels (no connection holds them) and alice's (held) pass the limit
        try (Cluster asBob = Cluster.connect(cluster.config().withAs("bob"), pool)) {
          assertThat(asBob.catalog().contains("a")).isFalse();
          assertThat(pool.size()).as("carol's channels dropped, alice's held ones kept, bob's new").isEqualTo(2 * each);
          assertThat(pool.open()).as("carol's closed").isEqualTo(2 * each);
        }
        assertThat(asAlice.catalog().contains("a")).as("a held channel still serves its connection").isTrue();
      }
    }
  }
}
