package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.Packing;
import smpc.net.Grpc;
import smpc.proto.DType;
import smpc.proto.ExecuteReply;
import smpc.proto.ExecuteRequest;
import smpc.proto.Kind;
import smpc.proto.PartyGrpc;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;
import smpc.sdk.ClusterConfig;

/**
 * Real processes over mutual TLS, a hand-made coordinator (raw gRPC) asking each party as a different client: a
 * party gives its caller its share of a result revealed to alice only when that caller is alice's client or its own
 * organisation's (docs/security.md "Reveals"); else the share goes to alice, who adds it to hers. The parts the
 * callers got add up to the result; a request whose caller does not add up parts gets the whole result from alice;
 * the SDK's own sessions give the seed's 875 with every share sent straight.
 */
class RevealRoutesIT {
  @Test
  void aPartyGivesItsShareOnlyToTheRecipientsClientOrItsOwn() throws Exception {
    try (TestCluster cluster = TestCluster.start("alice", "bob", "carol")) {
      cluster.ok("input", "--party", "alice", "--name", "a", "25");
      cluster.ok("input", "--party", "bob", "--name", "b", "50");
      assertThat(cluster.ok("eval", "(a*b) - 5*(a+b)", "--reveal-to", "alice").trim()).isEqualTo("875");
      ClusterConfig config = cluster.config();
      // a*b + 1 revealed to alice: alice's and bob's own clients bring in their values; carol is asked by bob's client,
      // which is neither alice's client nor carol's: carol's share must go to alice, never to bob's client
      Plan plan = Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("a*b + 1"), "alice")), config.partyNames(),
          name -> ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setLength(1)
              .setOwner(name.equals("a") ? "alice" : "bob").addProvenance(name.equals("a") ? "alice" : "bob").build(),
          config.fracBitsOrDefault()).plan();
      List<String> callers = List.of("client-alice", "client-bob", "client-bob");
      byte[] id = new byte[16];
      new SecureRandom().nextBytes(id);
      ExecuteRequest req = ExecuteRequest.newBuilder().setSessionId(ByteString.copyFrom(id)).addAllParties(config.partyNames())
          .setDeadlineUnixMs(System.currentTimeMillis() + 1000L * Waits.SECONDS).setPlan(plan).setFracBits(config.fracBitsOrDefault())
          .addAllRequesters(callers).setCallerAddsParts(true).build();
      List<long[]>[] got = run(config, callers, req);
      assertThat(got[2]).as("carol's caller is neither alice's client nor carol's: nothing of the result").isEmpty();
      assertThat(got[1]).as("bob's own client gets bob's share").hasSize(1);
      assertThat(got[0]).as("alice's client gets alice's share and carol's, added").hasSize(1);
      assertThat(got[0].get(0)[0] + got[1].get(0)[0]).isEqualTo(25 * 50 + 1);

      // a caller that does not add up parts (an older client) gets the whole result from alice, as in the seed
      new SecureRandom().nextBytes(id);
      got = run(config, callers, req.toBuilder().setSessionId(ByteString.copyFrom(id)).setCallerAddsParts(false).build());
      assertThat(got[1]).isEmpty();
      assertThat(got[2]).isEmpty();
      assertThat(got[0]).singleElement().satisfies(v -> assertThat(v).containsExactly(25 * 50 + 1));
    }
  }

  /** Each party's revealed parts, its Execute call made as {@code callers}' entry for it. */
  @SuppressWarnings("unchecked")
  private static List<long[]>[] run(ClusterConfig config, List<String> callers, ExecuteRequest req) throws Exception {
    List<ManagedChannel> channels = new ArrayList<>();
    List<CompletableFuture<List<long[]>>> calls = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        ManagedChannel ch = Grpc.channel(config.parties().get(i).address(), config.identity(callers.get(i)));
        channels.add(ch);
        calls.add(CompletableFuture.supplyAsync(() -> {
          List<long[]> parts = new ArrayList<>();
          PartyGrpc.newBlockingStub(ch).withDeadlineAfter(Waits.SECONDS + 10, TimeUnit.SECONDS).execute(req).forEachRemaining((ExecuteReply r) -> {
            if (r.hasRevealed()) parts.add(Packing.fromByteString(r.getRevealed().getData()));
          });
          return parts;
        }));
      }
      List<long[]>[] out = new List[3];
      for (int i = 0; i < 3; i++) out[i] = Waits.get(calls.get(i), callers.get(i) + "'s call to party " + i);
      return out;
    } finally {
      Grpc.close(channels);
    }
  }
}
