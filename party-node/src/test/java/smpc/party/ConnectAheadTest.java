package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.protocol.LocalProtocol;
import smpc.core.protocol.StoredValue;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/** A starting party connects to its peers and the dealer before any session, so the first session does not. */
class ConnectAheadTest {
  private static final List<String> PARTIES = List.of("alice", "bob", "carol");

  private static ValueInfo info(String name, String owner) {
    return ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setLength(1).setOwner(owner).build();
  }

  /** Each party's stream to each peer and its dealer key: what a party does ahead (parties start one after another here). */
  private static List<InProcessCluster.Call> ahead() {
    List<InProcessCluster.Call> out = new ArrayList<>();
    for (String p : PARTIES) {
      for (String q : PARTIES) if (!q.equals(p)) out.add(new InProcessCluster.Call(p, q, "Stream"));
      out.add(new InProcessCluster.Call(p, "dealer", "SeedKey"));
    }
    return out;
  }

  @Test
  void theFirstSessionFindsItsStreamsOpenAndItsKeysFetched() throws Exception {
    InProcessCluster cluster = new InProcessCluster(PARTIES, LocalProtocol.FRAC_BITS);
    try {
      long until = System.currentTimeMillis() + 20_000;
      while (!cluster.calls().containsAll(ahead()) && System.currentTimeMillis() < until) Thread.sleep(20);
      assertThat(cluster.calls()).as("before any session").containsAll(ahead());
      assertThat(cluster.calls()).extracting(InProcessCluster.Call::method).as("only streams and keys, once each")
          .containsOnly("Stream", "SeedKey").hasSize(ahead().size());

      cluster.input(new StoredValue(info("a", "alice"), new long[] {25}));
      cluster.input(new StoredValue(info("b", "bob"), new long[] {50}));
      Map<String, ValueInfo> catalog = Map.of("a", info("a", "alice"), "b", info("b", "bob"));
      var plan = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("(a*b) - 5*(a+b)"), "alice")), PARTIES, catalog::get,
          LocalProtocol.FRAC_BITS).plan();
      assertThat(Packing.fromByteString(cluster.run(plan).get(0).revealed().get(0).getData())).containsExactly(875);
      // the session's messages went on the streams opened ahead, and its seeds came from the keys fetched ahead
      assertThat(cluster.calls()).extracting(InProcessCluster.Call::method).filteredOn(m -> !m.equals("Corrections"))
          .as("no stream, Deliver call or key fetch of the session's own").hasSize(ahead().size());
    } finally {
      cluster.close();
    }
  }
}
