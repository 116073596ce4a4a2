package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import smpc.core.Failure;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;

/** The bookkeeping of {@link Quotas}; QuotaIT sends the same refusals over mutual TLS to a real party. */
class QuotasTest {
  static final long MIB = 1 << 20;

  /** A plan needing exactly {@code mib} MiB: a vector and one element sliced from it (a SLICE keeps it from running in blocks). */
  static Plan vector(int mib) {
    return Plan.newBuilder().addInstrs(Instr.newBuilder().setOp(Op.CONST).addDst(0).setConstant(ByteString.copyFrom(new byte[(mib << 20) - 8])))
        .addInstrs(Instr.newBuilder().setOp(Op.SLICE).addDst(1).addSrc(0).setLength(1)).build();
  }

  @Test
  void eachPrincipalHasItsOwnSessionCount() {
    Quotas q = new Quotas("alice", Quotas.Limits.of(2, 0, 100, 60));
    Quotas.Ticket b1 = q.admit("client-bob", vector(1), 3, n -> 0), b2 = q.admit("client-bob", vector(1), 3, n -> 0);
    assertThatThrownBy(() -> q.admit("client-bob", vector(1), 3, n -> 0)).isInstanceOf(Failure.class)
        .hasMessage("principal client-bob already has 2 sessions open on alice (limit 2, --max-sessions-per-principal)")
        .satisfies(e -> assertThat(((Failure) e).code()).isEqualTo(Failure.Code.RESOURCE_EXHAUSTED));
    q.admit("client-alice", vector(1), 3, n -> 0).close(); // another principal is not held up
    b1.close();
    b1.close(); // once only
    q.admit("client-bob", vector(1), 3, n -> 0).close();
    b2.close();
    assertThat(q.reservedBytes()).isZero();
  }

  @Test
  void plaintextCallersShareOneBucket() {
    Quotas q = new Quotas("alice", Quotas.Limits.of(1, 0, 100, 60));
    q.admit(null, vector(1), 2, n -> 0);
    assertThatThrownBy(() -> q.admit(null, vector(1), 2, n -> 0))
        .hasMessage("the callers of this plaintext cluster already have 1 sessions open on alice (limit 1, --max-sessions-per-principal)");
  }

  @Test
  void memoryIsReservedUntilTheSessionEnds() {
    Quotas q = new Quotas("alice", Quotas.Limits.of(16, 40, 100, 60));
    assertThatThrownBy(() -> q.admit("client-bob", vector(41), 3, n -> 0))
        .hasMessage("the plan needs about 41 MiB of memory on alice, more than one session may use (limit 40, --max-session-memory-mb)"
            .replace("limit 40", "limit 40 MiB"));
    Quotas.Ticket a = q.admit("client-bob", vector(40), 3, n -> 0), b = q.admit("client-carol", vector(40), 3, n -> 0);
    assertThat(q.reservedBytes()).isEqualTo(80 * MIB);
    assertThatThrownBy(() -> q.admit("client-dan", vector(30), 3, n -> 0))
        .hasMessage("alice has 80 MiB of its memory budget reserved by running sessions and this plan needs about 30 MiB more"
            + " (limit 100 MiB, --max-memory-mb): try again when sessions end");
    assertThatThrownBy(() -> q.input(30 << 17)).hasMessageContaining("and this input needs about 30 MiB more (limit 100 MiB");
    Quotas.Ticket in = q.input(10 << 17); // an input's array counts, and no session
    q.admit("client-bob", vector(1), 3, n -> 0).close();
    in.close();
    a.close();
    q.admit("client-dan", vector(30), 3, n -> 0).close();
    b.close();
    assertThat(q.reservedBytes()).isZero();
  }

  /** An alignment counts as a session of its principal and reserves its lists' memory until it ends. */
  @Test
  void anAlignmentIsASessionWithItsMemory() {
    Quotas q = new Quotas("alice", Quotas.Limits.of(1, 30, 100, 60));
    long ids = 64 * MIB / Quotas.ALIGN_BYTES_PER_ID;
    assertThatThrownBy(() -> q.align("client-alice", ids))
        .hasMessage("an alignment of " + ids + " ids needs about 64 MiB of memory on alice, more than one session may use"
            + " (limit 30 MiB, --max-session-memory-mb)");
    Quotas.Ticket t = q.align("client-alice", 1000);
    assertThat(q.reservedBytes()).isEqualTo(1000 * Quotas.ALIGN_BYTES_PER_ID);
    assertThatThrownBy(() -> q.admit("client-alice", vector(1), 2, n -> 0))
        .hasMessage("principal client-alice already has 1 sessions open on alice (limit 1, --max-sessions-per-principal)");
    t.close();
    q.admit("client-alice", vector(1), 2, n -> 0).close();
    assertThat(q.reservedBytes()).isZero();
  }

  @Test
  void theDefaultBudgetIsAShareOfTheHeapAndDeadlinesAreBounded() {
    Quotas.Limits d = Quotas.Limits.defaults();
    assertThat(d.partyBytes()).isEqualTo((long) (Runtime.getRuntime().maxMemory() * Quotas.Limits.HEAP_SHARE));
    assertThat(d.sessionBytes()).isEqualTo(d.partyBytes());
    Quotas q = new Quotas("alice", Quotas.Limits.of(16, 0, 0, 60));
    q.checkDeadline(System.currentTimeMillis() + 59_000);
    assertThatThrownBy(() -> q.checkDeadline(System.currentTimeMillis() + 120_000))
        .hasMessageMatching("session deadline is 1(19|20) s away, more than alice allows \\(limit 60 s, --max-session-seconds\\)");
    assertThatThrownBy(() -> Quotas.Limits.of(0, 0, 0, 60)).isInstanceOf(IllegalArgumentException.class);
  }
}
