package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import smpc.sdk.ChannelPool;
import smpc.sdk.Cluster;

/** The agent's channels (ChannelPool) against real party processes with mutual TLS: shared, never mixed. */
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
      try (Cluster c = Cluster.connect(cluster.config(), pool, counting(first))) {
        c.input("alice", "a", new long[] {25});
        c.input("bob", "b", new long[] {50});
        assertThat(seed(c)).isEqualTo(875);
      }
      int channels = pool.size(), firstCalls = first.get();
      // each party's as its own client, and carol's as alice's too (alice asked for the result)
      assertThat(channels).isEqualTo(4);

      // the first connection's close left the channels open: the second computes on them, and makes none of its own
      try (Cluster c = Cluster.connect(cluster.config(), pool, counting(second))) {
        assertThat(seed(c)).isEqualTo(875);
      }
      assertThat(pool.size()).isEqualTo(channels);
      assertThat(first.get()).as("the first connection's interceptor sees none of the second's calls").isEqualTo(firstCalls);
      assertThat(second.get()).isPositive();

      // another identity gets channels of its own and acts as itself: bob's client is shown none of alice's values
      try (Cluster asBob = Cluster.connect(cluster.config().withAs("bob"), pool)) {
        assertThat(asBob.catalog().contains("b")).isTrue();
        assertThat(asBob.catalog().contains("a")).isFalse();
      }
      assertThat(pool.size()).isGreaterThan(channels);
    }
  }
}
