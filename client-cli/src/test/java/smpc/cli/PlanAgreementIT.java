package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import smpc.core.ring.Packing;
import smpc.net.Grpc;
import smpc.proto.ExecuteRequest;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.PartyGrpc;
import smpc.proto.Plan;
import smpc.sdk.ClusterConfig;

/**
 * Real processes over mutual TLS: a hand-made coordinator (bob's client's certificate, raw gRPC) that
 * sends each party a different plan for one session is refused by every party with the disagreement; and
 * `eval --stats` shows both digests, the computation digest equal across runs of one expression.
 */
class PlanAgreementIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void partiesRefuseDifferentPlansAndReportTheirDigests() throws Exception {
    try (TestCluster cluster = TestCluster.start("alice", "bob", "carol")) {
      cluster.ok("input", "--party", "alice", "--name", "a", "25");
      cluster.ok("share", "a", "--with", "bob,carol", "--name", "s");
      cluster.ok("--as", "alice", "policy", "s", "--allow", "bob"); // alice consents to bob receiving s: the honest plan is admitted
      ClusterConfig config = cluster.config();

      // alice and carol would send bob their raw shares of s, while bob's plan adds zero: bob's client would learn s - s_bob
      Plan honest = Plan.newBuilder().addInstrs(Instr.newBuilder().setOp(Op.LOAD).addDst(0).setName("s").addProvenance("alice"))
          .addInstrs(Instr.newBuilder().setOp(Op.REVEAL).addSrc(0).setParty("bob")).build();
      Plan zero = Plan.newBuilder()
          .addInstrs(Instr.newBuilder().setOp(Op.CONST).addDst(0).setConstant(ByteString.copyFrom(Packing.toBytes(new long[] {0}))))
          .addInstrs(Instr.newBuilder().setOp(Op.REVEAL).addSrc(0).setParty("bob")).build();
      byte[] id = new byte[16];
      new SecureRandom().nextBytes(id);
      long deadline = System.currentTimeMillis() + 1000L * Waits.SECONDS;
      List<ManagedChannel> channels = new ArrayList<>();
      List<CompletableFuture<String>> calls = new ArrayList<>();
      try {
        for (ClusterConfig.Node n : config.parties()) {
          ManagedChannel ch = Grpc.channel(n.address(), config.identity("client-bob")); // the one bob's party takes results from
          channels.add(ch);
          ExecuteRequest req = ExecuteRequest.newBuilder().setSessionId(ByteString.copyFrom(id)).addAllParties(config.partyNames())
              .setDeadlineUnixMs(deadline).setPlan(n.name().equals("bob") ? zero : honest).setFracBits(config.fracBitsOrDefault()).build();
          calls.add(CompletableFuture.supplyAsync(() -> {
            try {
              PartyGrpc.newBlockingStub(ch).withDeadlineAfter(Waits.SECONDS + 10, TimeUnit.SECONDS).execute(req).forEachRemaining(r -> {});
              return "ran";
            } catch (StatusRuntimeException e) {
              return e.getStatus().getCode() + ": " + e.getStatus().getDescription();
            }
          }));
        }
        String digest = "\\(session digest [0-9a-f]{64}\\)", why = ": one of them was sent another request, or they run different versions of smpc \\(every party must run the same one\\)";
        assertThat(Waits.get(calls.get(0), "party 0's refusal"))
            .matches("FAILED_PRECONDITION: plan disagreement: party bob runs a different computation " + digest + " than alice " + digest + why);
        assertThat(Waits.get(calls.get(1), "party 1's refusal"))
            .matches("FAILED_PRECONDITION: plan disagreement: party alice runs a different computation " + digest + " than bob " + digest + why);
        assertThat(Waits.get(calls.get(2), "party 2's refusal"))
            .matches("FAILED_PRECONDITION: plan disagreement: party bob runs a different computation " + digest + " than carol " + digest + why);
      } finally {
        Grpc.close(channels);
      }

      // an honest coordinator: the same expression twice is the same computation in two sessions
      JsonNode first = JSON.readTree(cluster.ok("eval", "s * 2", "--reveal-to", "alice", "--json", "--stats"));
      JsonNode second = JSON.readTree(cluster.ok("eval", "s * 2", "--reveal-to", "alice", "--json", "--stats"));
      assertThat(first.get("values").get(0).asLong()).isEqualTo(50);
      String computation = first.get("stats").get("computation_digest").asText();
      String session = first.get("stats").get("session_digest").asText();
      assertThat(computation).matches("[0-9a-f]{64}");
      assertThat(session).matches("[0-9a-f]{64}");
      assertThat(second.get("stats").get("computation_digest").asText()).isEqualTo(computation);
      assertThat(second.get("stats").get("session_digest").asText()).matches("[0-9a-f]{64}").isNotEqualTo(session);
      TestCluster.Result text = cluster.cli("eval", "s * 2", "--reveal-to", "alice", "--stats");
      assertThat(text.err()).contains("computation digest " + computation + ", session digest ");
      // every party logged the session with its digests and the principal that asked for it
      for (String p : config.partyNames()) {
        assertThat(Files.readString(cluster.dir.resolve("logs").resolve(p + ".log")))
            .contains("principal=client-alice computation=" + computation + " session_digest=" + session);
      }
    }
  }
}
