package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smpc.net.Chunks;
import smpc.net.Grpc;
import smpc.core.testing.Seeded;
import smpc.proto.DType;
import smpc.proto.DeliverAck;
import smpc.proto.Envelope;
import smpc.proto.ExecuteRequest;
import smpc.proto.InputChunk;
import smpc.proto.PartyGrpc;
import smpc.proto.PeerGrpc;
import smpc.proto.Plan;
import smpc.proto.StatusRequest;
import smpc.proto.ValueInfo;

/**
 * Random and malformed requests against a real party over gRPC on loopback: every one ends with a
 * clear status (never UNKNOWN or INTERNAL), and the party keeps serving with its values intact.
 */
class PartyFuzzTest {
  static PartyNode party;
  static ManagedChannel channel;

  @BeforeAll
  static void start() throws Exception {
    party = PartyNode.start("alice", "127.0.0.1", 0, Map.of("bob", "127.0.0.1:1"), "127.0.0.1:1", 16, 64L << 20);
    channel = Grpc.channel("127.0.0.1:" + party.port());
  }

  @AfterAll
  static void stop() {
    Grpc.close(channel);
    party.close();
  }

  static void assertClean(Throwable t) {
    Status.Code code = Status.fromThrowable(t).getCode();
    assertThat(code).as("%s", t).isNotIn(Status.Code.UNKNOWN, Status.Code.INTERNAL);
  }

  @Seeded(300)
  void peerMessagesWithBadFields(long seed) {
    Random rnd = new Random(seed);
    int chunks = 1 + rnd.nextInt(3);
    long total = switch (rnd.nextInt(5)) {
      case 0 -> -1;
      case 1 -> Long.MAX_VALUE;
      case 2 -> 1L << 31;
      default -> rnd.nextInt(64);
    };
    ByteString session = ByteString.copyFrom(new byte[rnd.nextBoolean() ? 16 : rnd.nextInt(20)]);
    Chunks.Upload<Envelope, DeliverAck> up = Chunks.upload(chunks, k -> Envelope.newBuilder().setSessionId(session)
        .setFrom(rnd.nextBoolean() ? "bob" : "").setTag(rnd.nextBoolean() ? "m/1" : "x".repeat(rnd.nextInt(80)))
        .setTotalBytes(total).setOffset(rnd.nextInt(3) == 0 ? rnd.nextInt(100) - 50 : k * 8L)
        .setData(ByteString.copyFrom(new byte[rnd.nextInt(3) * 8])).build());
    PeerGrpc.newStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).deliver(up);
    up.start();
    try {
      up.reply.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      assertClean(e.getCause() != null ? e.getCause() : e);
    }
    assertThat(PartyGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance()).getName()).isEqualTo("alice");
  }

  private static ByteString freshSession() {
    byte[] id = new byte[16];
    new Random().nextBytes(id);
    return ByteString.copyFrom(id);
  }

  /** Bytes the party holds for messages of sessions not yet read. */
  private long buffered() {
    return PartyGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance()).getBufferedBytes();
  }

  @Test
  void aReplayedPeerMessageIsRefusedAndNotBufferedTwice() throws Exception {
    ByteString session = freshSession();
    long before = buffered();
    for (int attempt = 0; attempt < 2; attempt++) {
      Chunks.Upload<Envelope, DeliverAck> up = Chunks.upload(1, k -> Envelope.newBuilder().setSessionId(session).setFrom("bob")
          .setTag("m/7").setTotalBytes(8).setOffset(0).setData(ByteString.copyFrom(new byte[8])).build());
      PeerGrpc.newStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).deliver(up);
      up.start();
      if (attempt == 0) {
        up.reply.get(10, TimeUnit.SECONDS);
      } else {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> up.reply.get(10, TimeUnit.SECONDS));
        Status st = Status.fromThrowable(t.getCause());
        assertThat(st.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(st.getDescription()).contains("duplicate message m/7 from bob");
      }
    }
    long after = buffered();
    assertThat(after - before).as("the replay is not buffered").isEqualTo(8 + Mailbox.OVERHEAD);
  }

  /** The long-lived peer stream files whole messages as Deliver does, and refuses a replay (naming it) without buffering it. */
  @Test
  void onThePeerStreamAReplayIsRefusedAndNotBufferedTwice() throws Exception {
    ByteString session = freshSession();
    long before = buffered();
    java.util.concurrent.BlockingQueue<Object> back = new java.util.concurrent.LinkedBlockingQueue<>();
    io.grpc.stub.StreamObserver<Envelope> up = PeerGrpc.newStub(channel).stream(new io.grpc.stub.StreamObserver<smpc.proto.Refusal>() {
      public void onNext(smpc.proto.Refusal r) {
        back.add(r);
      }

      public void onError(Throwable t) {
        back.add(t);
      }

      public void onCompleted() {
        back.add("completed");
      }
    });
    Envelope m = Envelope.newBuilder().setSessionId(session).setFrom("bob").setTag("m/7").setTotalBytes(8)
        .setData(ByteString.copyFrom(new byte[8])).build();
    up.onNext(m);
    up.onNext(m); // the replay
    up.onNext(m.toBuilder().setTag("m/8").setTotalBytes(16).build()); // not whole: refused, the stream goes on
    up.onNext(m.toBuilder().setTag("m/9").build()); // filed
    Object first = back.poll(10, TimeUnit.SECONDS), second = back.poll(10, TimeUnit.SECONDS);
    assertThat(first).isInstanceOf(smpc.proto.Refusal.class);
    smpc.proto.Refusal r = (smpc.proto.Refusal) first;
    assertThat(r.getSessionId()).isEqualTo(session);
    assertThat(r.getTag()).isEqualTo("m/7");
    assertThat(r.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS.value());
    assertThat(r.getDescription()).contains("duplicate message m/7 from bob");
    assertThat(second).isInstanceOf(smpc.proto.Refusal.class);
    assertThat(((smpc.proto.Refusal) second).getTag()).isEqualTo("m/8");
    assertThat(((smpc.proto.Refusal) second).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    up.onCompleted();
    assertThat(back.poll(10, TimeUnit.SECONDS)).isEqualTo("completed");
    long after = buffered();
    assertThat(after - before).as("m/7 once and m/9: the replay is not buffered").isEqualTo(16 + 2 * Mailbox.OVERHEAD);
  }

  @Seeded(200)
  void inputsAndSessionRequestsWithBadFields(long seed) {
    Random rnd = new Random(seed);
    int before = (int) PartyGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance()).getStoredValues();
    long length = switch (rnd.nextInt(4)) {
      case 0 -> -5;
      case 1 -> 1L << 40;
      default -> rnd.nextInt(4);
    };
    String name = switch (rnd.nextInt(4)) {
      case 0 -> "";
      case 1 -> "../etc/passwd";
      case 2 -> "x".repeat(200);
      default -> "v" + Long.toHexString(seed);
    };
    Chunks.Upload<InputChunk, ValueInfo> up = Chunks.upload(1 + rnd.nextInt(2), k -> InputChunk.newBuilder().setName(name)
        .setLength(length).setDtype(rnd.nextBoolean() ? DType.REAL : DType.INT).setFracBits(rnd.nextInt(20))
        .setData(ByteString.copyFrom(new byte[rnd.nextInt(4) * 8 + (rnd.nextInt(5) == 0 ? 3 : 0)])).build());
    PartyGrpc.newStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).input(up);
    up.start();
    boolean stored;
    try {
      up.reply.get(10, TimeUnit.SECONDS);
      stored = true;
    } catch (Exception e) {
      assertClean(e.getCause() != null ? e.getCause() : e);
      stored = false;
    }
    int after = (int) PartyGrpc.newBlockingStub(channel).status(StatusRequest.getDefaultInstance()).getStoredValues();
    assertThat(after).as("a refused input stores nothing").isEqualTo(before + (stored ? 1 : 0));

    ExecuteRequest.Builder req = ExecuteRequest.newBuilder().setSessionId(ByteString.copyFrom(new byte[rnd.nextInt(20)]))
        .setDeadlineUnixMs(System.currentTimeMillis() + (rnd.nextBoolean() ? 2000 : -5)).setPlan(Plan.getDefaultInstance())
        .setFracBits(rnd.nextInt(3) == 0 ? 12 : 16);
    if (rnd.nextBoolean()) req.addParties("alice");
    if (rnd.nextBoolean()) req.addParties(rnd.nextBoolean() ? "bob" : "mallory");
    try {
      PartyGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).execute(req.build()).forEachRemaining(r -> {});
    } catch (RuntimeException e) {
      assertClean(e);
    }
  }
}
