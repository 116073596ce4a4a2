package smpc.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import smpc.core.protocol.RevealRoutes;
import smpc.core.ring.Packing;
import smpc.net.Tls;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.Revealed;

/**
 * The coordinator's sum of a session's reveal parts: right when every part the routes name came once, and a clear
 * failure, never a wrong sum, when one is left out, sent twice or sent by a party the routes do not name.
 */
class RepliesTest {
  private static final long SEED = Long.getLong("smpc.test.seed", 20261206L);

  private static List<String> parties(int n) {
    return IntStream.range(0, n).mapToObj(i -> "p" + i).toList();
  }

  /** Each party asked by its own organisation's client, as the SDK runs a session: every share goes straight to the caller. */
  private static RevealRoutes ownClients(List<String> parties) {
    return Tls.revealRoutes(parties, parties.stream().map(p -> Tls.CLIENT_PREFIX + p).toList());
  }

  private static Plan plan(Instr... reveals) {
    return Plan.newBuilder().addAllInstrs(List.of(reveals)).build();
  }

  private static Instr reveal(String to, String name) {
    return Instr.newBuilder().setOp(Op.REVEAL).setParty(to).setName(name).build();
  }

  private static Revealed part(int output, long length, long offset, long[] data) {
    return Revealed.newBuilder().setOutput(output).setLength(length).setOffset(offset)
        .setData(ByteString.copyFrom(Packing.toBytes(data))).build();
  }

  private static Evaluation evaluation(Replies r) {
    return r.evaluation(Map.of(), "0000");
  }

  /** Every party's share in blocks of random sizes, the parties interleaved: the sum is the plain value. */
  @ParameterizedTest
  @ValueSource(ints = {2, 3, 5})
  void everyPartOnceAddsUpToTheValue(int n) {
    Random rnd = new Random(SEED + n);
    List<String> ps = parties(n);
    for (int trial = 0; trial < 50; trial++) {
      int length = 1 + rnd.nextInt(200);
      long[] want = rnd.longs(length).toArray();
      long[][] shares = new long[n][length];
      for (int i = 0; i < length; i++) {
        long rest = want[i];
        for (int j = 1; j < n; j++) rest -= shares[j][i] = rnd.nextLong();
        shares[0][i] = rest;
      }
      Replies r = new Replies(plan(reveal(ps.get(rnd.nextInt(n)), "")), ps, ownClients(ps));
      long[] next = new long[n];
      while (IntStream.range(0, n).anyMatch(j -> next[j] < length)) {
        int j = rnd.nextInt(n);
        if (next[j] == length) continue;
        int take = (int) Math.min(length - next[j], 1 + rnd.nextInt(64));
        long[] block = java.util.Arrays.copyOfRange(shares[j], (int) next[j], (int) next[j] + take);
        r.add(ps.get(j), part(0, length, next[j], block));
        next[j] += take;
      }
      assertThat(evaluation(r).revealed().get(0)).as("seed %d trial %d", SEED + n, trial).containsExactly(want);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 5})
  void aPartyThatSendsNoPartFailsTheSession(int n) {
    List<String> ps = parties(n);
    Replies r = new Replies(plan(reveal(ps.get(0), "")), ps, ownClients(ps));
    for (int j = 0; j < n - 1; j++) r.add(ps.get(j), part(0, 3, 0, new long[] {1, 2, 3}));
    assertThatThrownBy(() -> evaluation(r)).isInstanceOf(SmpcException.class)
        .hasMessageContaining(ps.get(n - 1) + "'s reply has no part of revealed output 0");
  }

  @Test
  void aPartSentTwiceOrOneLeftOutIsRefused() {
    List<String> ps = parties(3);
    Replies twice = new Replies(plan(reveal("p1", "")), ps, ownClients(ps));
    twice.add("p0", part(0, 4, 0, new long[] {1, 2}));
    assertThatThrownBy(() -> twice.add("p0", part(0, 4, 0, new long[] {1, 2})))
        .hasMessageContaining("at element 0, where its parts so far end at 2");
    Replies gap = new Replies(plan(reveal("p1", "")), ps, ownClients(ps));
    assertThatThrownBy(() -> gap.add("p2", part(0, 4, 2, new long[] {1, 2}))).hasMessageContaining("at element 2, where its parts so far end at 0");
    Replies misfit = new Replies(plan(reveal("p1", "")), ps, ownClients(ps));
    misfit.add("p0", part(0, 9, 0, new long[] {1})); // a first part with a wrong length: the next honest one names its sender
    assertThatThrownBy(() -> misfit.add("p1", part(0, 4, 0, new long[] {1, 2, 3, 4})))
        .hasMessageContaining("a part of revealed output 0 does not fit the part p0 sent first");
    Replies shortOne = new Replies(plan(reveal("p1", "")), ps, ownClients(ps));
    for (String p : ps) shortOne.add(p, part(0, 4, 0, p.equals("p2") ? new long[] {1, 2} : new long[] {1, 2, 3, 4}));
    assertThatThrownBy(() -> evaluation(shortOne)).hasMessageContaining("p2's reply left revealed output 0 incomplete (2 of 4 elements)");
  }

  /** A named reveal, or any on a plaintext cluster, comes whole from its recipient: no other party's part belongs in it. */
  @Test
  void onlyTheRecipientSendsWhatTheRoutesKeepWithIt() {
    List<String> ps = parties(3);
    Replies named = new Replies(plan(reveal("p2", "kept"), reveal("p0", "")), ps, ownClients(ps));
    assertThatThrownBy(() -> named.add("p0", part(0, 1, 0, new long[] {7})))
        .hasMessageContaining("revealed output 0, which the session's routes do not give this party to send");
    named.add("p2", part(0, 1, 0, new long[] {7}));
    for (String p : ps) named.add(p, part(1, 1, 0, new long[] {10}));
    Evaluation e = evaluation(named);
    assertThat(e.revealed().get(0)).containsExactly(7);
    assertThat(e.revealed().get(1)).containsExactly(30);

    Replies plaintext = new Replies(plan(reveal("p1", "")), ps, RevealRoutes.VIA_RECIPIENT);
    assertThatThrownBy(() -> plaintext.add("p0", part(0, 1, 0, new long[] {1}))).hasMessageContaining("do not give this party to send");
    assertThatThrownBy(() -> plaintext.add("p1", part(1, 1, 0, new long[] {1}))).hasMessageContaining("revealed output 1, which");
    plaintext.add("p1", part(0, 1, 0, new long[] {875}));
    assertThat(evaluation(plaintext).revealed().get(0)).containsExactly(875);
  }

  /** A caller that is neither the recipient's client nor the party's own gets nothing from that party (Tls.revealRoutes). */
  @Test
  void aPartyAskedByAnotherOrganisationsClientSendsItsShareToTheRecipient() {
    List<String> ps = parties(3);
    List<String> callers = new ArrayList<>(List.of("client-p0", "client-p0", "client-p0"));
    Replies r = new Replies(plan(reveal("p2", "")), ps, Tls.revealRoutes(ps, callers));
    assertThatThrownBy(() -> r.add("p1", part(0, 1, 0, new long[] {1}))).hasMessageContaining("do not give this party to send");
    r.add("p0", part(0, 1, 0, new long[] {5}));
    r.add("p2", part(0, 1, 0, new long[] {6}));
    assertThat(evaluation(r).revealed().get(0)).containsExactly(11);
  }

  /**
   * A part's length is a claim: the coordinator holds what came, never what a party says will come. 64 outputs each
   * claimed at the largest vector (a GiB of elements each, far beyond this JVM's heap) with one element sent fail
   * with a message, not with the coordinator out of memory.
   */
  @Test
  void aClaimedLengthIsNotAllocatedBeforeItsElementsCome() {
    List<String> ps = parties(3);
    Instr[] reveals = new Instr[64];
    java.util.Arrays.fill(reveals, reveal("p0", "kept"));
    Replies r = new Replies(plan(reveals), ps, ownClients(ps));
    for (int k = 0; k < reveals.length; k++) r.add("p0", part(k, smpc.core.protocol.Limits.MAX_VECTOR, 0, new long[] {k}));
    assertThatThrownBy(() -> evaluation(r))
        .hasMessageContaining("p0's reply left revealed output 0 incomplete (1 of " + smpc.core.protocol.Limits.MAX_VECTOR + " elements)");
  }
}
