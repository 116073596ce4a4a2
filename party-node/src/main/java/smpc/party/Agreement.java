package smpc.party;

import static smpc.core.Errors.invalid;
import static smpc.core.Errors.precondition;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.List;
import smpc.core.protocol.Digests;
import smpc.core.protocol.Transport;
import smpc.proto.ExecuteRequest;
import smpc.proto.SessionStats;

/**
 * Plan agreement: every party of a session sends its session digest to every peer as soon as the session
 * starts here, and waits for all of theirs before the plan's first step, so that nothing that depends on a
 * secret (an input sharing, an opening, an output share) leaves a party unless every peer was asked for the
 * same computation, by the same principal, in the same run. Without it a coordinator could hand parties
 * different plans that fit together, say one that reveals to bob the shares the others' plan keeps shared.
 *
 * <p>Whoever sees a digest unlike its own fails its session naming that peer. When any two parties
 * disagree, every party has a peer whose digest differs from its own (the digests are exchanged all to
 * all), so every party fails, each by its own check. The exchange overlaps with the dealer fetch; it costs
 * one message per ordered pair of parties and a wait for the last party to start. Each message also carries
 * the sender's audit log head ({@link AuditAttempt}), so the audit's cross-check needs no message of its own,
 * and what the session's start needs of the receiver and is no secret: the id of the sender's dealer seed key
 * ({@link DealerKeys}) and the seeds of its input sharings ({@link smpc.core.protocol.InputSeeds}), which
 * then take no round of their own. A receiver reads these only once the digests agree.
 */
final class Agreement {
  /** The messages' step tag: unlike every tag a plan uses (smpc.core.protocol.PlanRunner). */
  static final String TAG = "agree";

  final byte[] computation;
  final byte[] session;
  private final Session s;
  private final Transport net;
  private final Mailbox mailbox;
  /** What each peer attached to its digest (its audit log head), once received. */
  private final byte[][] attached;
  /** What each peer sent after its head, once received and agreed. */
  private final byte[][] payloads;

  /**
   * Computes this party's digests of the request (with its own fractional bits, which the session uses) and
   * sends the session digest to every peer: first of all, so that peers learn it even when this party then
   * fails a check of its own.
   *
   * @param principal the requesting principal from the caller's certificate; null on a plaintext cluster
   * @param attachment {@link Digests#BYTES} bytes sent after the digest (this party's audit log head)
   * @param payload what goes to party j after the attachment (nothing secret: it leaves before any check)
   */
  /** @param computation {@link Digests#computation} of the plan as asked, which this party checked its consents against */
  Agreement(Session s, ExecuteRequest req, byte[] computation, String principal, byte[] attachment, java.util.function.IntFunction<byte[]> payload,
      Transport net, Mailbox mailbox) {
    this.s = s;
    this.net = net;
    this.mailbox = mailbox;
    attached = new byte[s.parties.size()][];
    payloads = new byte[s.parties.size()][];
    this.computation = computation;
    session = Digests.session(computation, s.id.toByteArray(), s.deadline, principal, req.getCallerAddsParts());
    // a send that fails fails the session itself (GrpcTransport): nothing to wait for here
    for (int j = 0; j < s.parties.size(); j++) {
      if (j == s.me) continue;
      byte[] extra = payload.apply(j);
      byte[] message = Arrays.copyOf(session, 2 * Digests.BYTES + extra.length);
      System.arraycopy(attachment, 0, message, Digests.BYTES, Digests.BYTES);
      System.arraycopy(extra, 0, message, 2 * Digests.BYTES, extra.length);
      net.send(j, TAG, message);
    }
  }

  /** What party {@code j} attached to its digest: received by {@link #await}, else already in the mailbox; null if neither. */
  byte[] attached(int j) {
    if (attached[j] != null || j == s.me) return attached[j];
    ByteString m = mailbox.peek(s.id, s.parties.get(j), TAG);
    return m != null && m.size() >= 2 * Digests.BYTES ? m.substring(Digests.BYTES, 2 * Digests.BYTES).toByteArray() : null;
  }

  /** What party {@code j} sent after its head; only after {@link #await} found its digest the same as this party's. */
  byte[] payload(int j) {
    return payloads[j];
  }

  /** Waits for every peer's session digest; the first that differs from this party's fails the session naming that peer. */
  void await() {
    for (int j = 0; j < s.parties.size(); j++) {
      if (j == s.me) continue;
      byte[] theirs;
      try {
        theirs = net.receive(j, TAG);
      } catch (RuntimeException e) {
        // the session failed first (a peer that already found a disagreement refuses our messages, or the
        // coordinator aborted): a disagreement already in the mailbox says better what went wrong
        for (int k = j; k < s.parties.size(); k++) {
          ByteString d = k == s.me ? null : mailbox.peek(s.id, s.parties.get(k), TAG);
          if (d != null) check(k, d.toByteArray());
        }
        throw e;
      }
      // kept even from a peer that disagrees: its head is still what its log held (the audit record says so)
      if (theirs.length >= 2 * Digests.BYTES) attached[j] = Arrays.copyOfRange(theirs, Digests.BYTES, 2 * Digests.BYTES);
      check(j, theirs);
      payloads[j] = Arrays.copyOfRange(theirs, 2 * Digests.BYTES, theirs.length);
    }
  }

  static final String VERSION_HINT = ": one of them was sent another request, or they run different versions of smpc (every party must run the same one)";

  private void check(int j, byte[] theirs) {
    if (theirs.length >= 2 * Digests.BYTES && Arrays.equals(theirs, 0, Digests.BYTES, session, 0, Digests.BYTES)) return;
    String peer = s.parties.get(j), me = s.parties.get(s.me);
    if (theirs.length < 2 * Digests.BYTES) {
      throw precondition("plan disagreement: party %s sent a malformed session digest (%d bytes) to %s", peer, theirs.length, me);
    }
    // the agreement carries no version: a party of another version computes other digests (their label names the version
    // of their layout), so the message names that cause beside a coordinator's different requests
    throw precondition("plan disagreement: party %s runs a different computation (session digest %s) than %s (session digest %s)"
        + VERSION_HINT,
        peer, Digests.hex(Arrays.copyOf(theirs, Digests.BYTES)), me, Digests.hex(session));
  }

  /** What goes to each peer after the head: this party's dealer key id (when the plan uses the dealer), then its input seeds for that peer. */
  static java.util.function.IntFunction<byte[]> payload(ByteString keyId, smpc.core.protocol.InputSeeds inputs) {
    byte[] id = keyId == null ? new byte[0] : keyId.toByteArray();
    return j -> {
      byte[] seeds = inputs.forPeer(j), out = Arrays.copyOf(id, id.length + seeds.length);
      System.arraycopy(seeds, 0, out, id.length, seeds.length);
      return out;
    };
  }

  /**
   * After {@link #await}: files each peer's input seeds and returns every party's dealer key id in party order
   * (empty when the plan uses no dealer material: then no party sent one).
   */
  List<ByteString> keyIds(ByteString mine, smpc.core.protocol.InputSeeds inputs) {
    List<ByteString> ids = new java.util.ArrayList<>();
    int idBytes = mine == null ? 0 : smpc.core.protocol.SessionSeeds.KEY_ID_BYTES;
    for (int j = 0; j < s.parties.size(); j++) {
      if (j == s.me) {
        if (mine != null) ids.add(mine);
        continue;
      }
      byte[] p = payloads[j];
      if (p.length < idBytes) throw invalid("malformed agreement message from %s: no dealer key id", s.parties.get(j));
      if (mine != null) ids.add(ByteString.copyFrom(p, 0, idBytes));
      inputs.receive(j, Arrays.copyOfRange(p, idBytes, p.length));
    }
    return ids;
  }

  /** The session's statistics with both digests, for the coordinator. */
  SessionStats stamp(SessionStats stats) {
    return stats.toBuilder().setComputationDigest(ByteString.copyFrom(computation)).setSessionDigest(ByteString.copyFrom(session)).build();
  }

  /** For the session's log line: what ran and which run (digests are public). */
  @Override
  public String toString() {
    return "computation " + Digests.hex(computation) + ", session digest " + Digests.hex(session);
  }
}
