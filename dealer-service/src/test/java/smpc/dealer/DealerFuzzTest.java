package smpc.dealer;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import smpc.core.protocol.Material;
import smpc.core.testing.Seeded;
import smpc.proto.CorrectionsRequest;
import smpc.proto.DealerGrpc;
import smpc.proto.ReleaseRequest;
import smpc.proto.SeedKeyRequest;
import smpc.proto.StatusRequest;
import smpc.proto.TruncRun;

/**
 * Random and malformed dealer requests over gRPC on loopback (bad session ids, unknown parties, negative
 * or huge counts, wrong truncation runs, expired deadlines): each ends normally or with a clear status,
 * never UNKNOWN or INTERNAL, and the dealer keeps serving valid sessions.
 */
class DealerFuzzTest {
  @RegisterExtension static final LoopbackDealer dealer = new LoopbackDealer();

  private static void clean(RuntimeException e) {
    assertThat(Status.fromThrowable(e).getCode()).as("%s", e).isNotIn(Status.Code.UNKNOWN, Status.Code.INTERNAL);
    assertThat(Status.fromThrowable(e).getDescription()).as("a refusal names its reason").isNotBlank();
  }

  @Seeded(300)
  void badRequestsGetClearStatuses(long seed) {
    Random rnd = new Random(seed);
    DealerGrpc.DealerBlockingStub stub = DealerGrpc.newBlockingStub(dealer.channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
    byte[] id = new byte[rnd.nextBoolean() ? 16 : rnd.nextInt(40)];
    if (rnd.nextBoolean()) rnd.nextBytes(id);
    ByteString session = ByteString.copyFrom(id);
    List<String> parties = switch (rnd.nextInt(4)) {
      case 0 -> List.of();
      case 1 -> List.of("alice", "alice");
      case 2 -> List.of("alice", "bob", "x".repeat(rnd.nextInt(300)));
      default -> List.of("alice", "bob", "carol");
    };
    String party = rnd.nextBoolean() ? "alice" : rnd.nextBoolean() ? "" : "mallory";
    long deadline = System.currentTimeMillis() + (rnd.nextBoolean() ? 60_000 : -rnd.nextInt(10_000));
    try {
      switch (rnd.nextInt(3)) {
        case 0 -> stub.seedKey(SeedKeyRequest.newBuilder().setParty(party).build());
        case 1 -> {
          long start = switch (rnd.nextInt(3)) { case 0 -> -rnd.nextInt(100); case 1 -> Long.MAX_VALUE - rnd.nextInt(3); default -> rnd.nextInt(100); };
          long count = switch (rnd.nextInt(4)) { case 0 -> -rnd.nextInt(100); case 1 -> 1L << (31 + rnd.nextInt(32)); default -> rnd.nextInt(2000); };
          CorrectionsRequest.Builder r = CorrectionsRequest.newBuilder().setSessionId(session).setParty(party).addAllParties(parties)
              .setStart(start).setCount(count).setDeadlineUnixMs(deadline).setMaterial(rnd.nextInt(7))
              .setFracBits(rnd.nextInt(80) - 8);
          for (String p : parties) { // real keys of the named parties, random ids, or none
            r.addKeyIds(rnd.nextBoolean() && !p.isEmpty() ? stub.seedKey(SeedKeyRequest.newBuilder().setParty(p).build()).getKeyId()
                : ByteString.copyFrom(new byte[rnd.nextInt(20)]));
          }
          for (int k = rnd.nextInt(3); k > 0; k--) {
            r.addTruncRuns(TruncRun.newBuilder().setCount(rnd.nextInt(3) == 0 ? -5 : rnd.nextInt(1000)).setBits(rnd.nextInt(80) - 8));
          }
          stub.corrections(r.build()).forEachRemaining(c -> {});
        }
        default -> stub.release(ReleaseRequest.newBuilder().setSessionId(session).setParty(party).build());
      }
    } catch (RuntimeException e) {
      clean(e);
    }
    assertThat(DealerGrpc.newBlockingStub(dealer.channel()).status(StatusRequest.getDefaultInstance()).getRole()).isEqualTo("dealer");
  }

  @RepeatedTest(20)
  void validSessionsStillWorkAfterwards() {
    ByteString s = DealerServiceTest.newSession();
    DealerGrpc.DealerBlockingStub stub = DealerGrpc.newBlockingStub(dealer.channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
    List<ByteString> ids = List.of("alice", "bob").stream().map(p -> stub.seedKey(SeedKeyRequest.newBuilder().setParty(p).build()).getKeyId()).toList();
    var it = stub.corrections(CorrectionsRequest.newBuilder().setSessionId(s).setParty("alice").setStart(0).setCount(8)
        .addAllParties(List.of("alice", "bob")).addAllKeyIds(ids).setMaterial(Material.TRIPLE.ordinal())
        .setDeadlineUnixMs(System.currentTimeMillis() + 60_000).build());
    long bytes = 0;
    while (it.hasNext()) bytes += it.next().getData().size();
    assertThat(bytes).isEqualTo(8 * 8);
  }
}
