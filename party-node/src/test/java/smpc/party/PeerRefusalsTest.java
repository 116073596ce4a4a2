package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import smpc.proto.AuditChunk;
import smpc.proto.AuditOutcome;
import smpc.proto.AuditRecord;

/** A flood of refused peer messages reaches the audit log as a few counted records, one per sender per minute. */
class PeerRefusalsTest {
  private static final StatusRuntimeException FULL = Status.RESOURCE_EXHAUSTED
      .withDescription("messages from bob fill half the party's message buffer; retry later").asRuntimeException();
  private static final StatusRuntimeException POSING = Status.PERMISSION_DENIED
      .withDescription("party 'bob' may not deliver messages as 'carol'").asRuntimeException();

  private static List<AuditRecord> records(AuditLog log) {
    List<AuditRecord> out = new ArrayList<>();
    for (AuditChunk c : log.chunks(0)) {
      for (var r : c.getRecordsList()) {
        try {
          out.add(AuditRecord.parseFrom(r));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      }
    }
    return out;
  }

  @Test
  void theFirstRefusalIsRecordedAtOnceAndTheRestCountedPerMinute() throws Exception {
    AuditLog log = new AuditLog("alice", null);
    PeerRefusals r = new PeerRefusals(log);
    long t = 1_000_000;
    assertThat(r.refused("bob", "party", "Peer.Stream", FULL, t)).isTrue();
    for (int i = 1; i <= 9_999; i++) assertThat(r.refused("bob", "party", "Peer.Stream", FULL, t + i)).isFalse();
    assertThat(r.refused("carol", "party", "Peer.Deliver", POSING, t + 10)).as("another sender is counted apart").isTrue();
    assertThat(r.refused("bob", "party", "Peer.Stream", FULL, t + PeerRefusals.EVERY_MS)).isTrue();
    List<AuditRecord> rs = records(log);
    assertThat(rs).hasSize(3);
    assertThat(rs.get(0).getPrincipal()).isEqualTo("bob");
    assertThat(rs.get(0).getOutcome()).isEqualTo(AuditOutcome.AUDIT_REFUSED);
    assertThat(rs.get(0).getSubject()).isEqualTo("1 message refused");
    assertThat(rs.get(0).getReason()).isEqualTo("RESOURCE_EXHAUSTED: messages from bob fill half the party's message buffer; retry later");
    assertThat(rs.get(1).getPrincipal()).isEqualTo("carol");
    assertThat(rs.get(1).getReason()).startsWith("PERMISSION_DENIED: party 'bob' may not deliver messages as 'carol'");
    assertThat(rs.get(2).getSubject()).isEqualTo("10000 messages refused since " + java.time.Instant.ofEpochMilli(t + 1));
  }

  @Test
  void otherFailuresAreNotRefusalsOfTheSender() throws Exception {
    AuditLog log = new AuditLog("alice", null);
    PeerRefusals r = new PeerRefusals(log);
    assertThat(r.refused("bob", "party", "Peer.Deliver", Status.FAILED_PRECONDITION.withDescription("session 1234 is over")
        .asRuntimeException(), 5)).isFalse();
    assertThat(r.refused("bob", "party", "Peer.Deliver", Status.INVALID_ARGUMENT.asRuntimeException(), 6)).isFalse();
    assertThat(records(log)).isEmpty();
  }
}
