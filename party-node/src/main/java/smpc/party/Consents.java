package smpc.party;

import static smpc.core.Errors.denied;
import static smpc.core.Errors.invalid;
import static smpc.core.Errors.notFound;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Function;
import smpc.core.protocol.Digests;
import smpc.core.protocol.Disclosure;
import smpc.proto.Approval;
import smpc.proto.Plan;
import smpc.proto.Policy;
import smpc.proto.RevokeRequest;
import smpc.proto.ValueInfo;

/**
 * This party's organisation's consents, and the decision they feed: a session whose outputs depend on this
 * organisation's values runs here only if each such output goes to this organisation itself, or this
 * organisation's own client asked for the session here, or its values' standing policies admit the
 * output's recipient, or an approval of the session's exact computation digest has a use left. Every party
 * must take part in a session and every party agreed on its plan (smpc.party.Agreement), so the owner's
 * party refusing stops the session everywhere: no signatures are needed. docs/security.md "Consent".
 *
 * <p>A use of an approval is spent when the session is admitted, and never given back: a session that fails
 * after some party received its result would otherwise be repeatable at will.
 */
final class Consents {
  /** Approvals kept at most (a client's mistake must not grow the party without bound). */
  static final int MAX_APPROVALS = 10_000;
  static final int MAX_USES = 1_000_000;

  private final String me;
  private final Path file;
  private smpc.proto.Consents state;

  /** @param dir the party's data directory (null: kept in memory only) */
  Consents(String me, Path dir) {
    this.me = me;
    this.file = dir == null ? null : dir.resolve("consents.pb");
    try {
      state = file != null && Files.exists(file) ? smpc.proto.Consents.parseFrom(Files.readAllBytes(file)) : smpc.proto.Consents.getDefaultInstance();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  synchronized Approval approve(Authorizer.Principal by, Approval a) {
    if (a.getComputationDigest().size() != Digests.BYTES) throw invalid("an approval names a computation digest of %d bytes, got %d", Digests.BYTES, a.getComputationDigest().size());
    int uses = a.getUses() == 0 ? 1 : a.getUses();
    if (uses < 1 || uses > MAX_USES) throw invalid("an approval admits 1 to %d uses, not %d", MAX_USES, a.getUses());
    long now = System.currentTimeMillis();
    if (a.getExpiresUnixMs() != 0 && a.getExpiresUnixMs() <= now) throw invalid("the approval would have expired already");
    prune(now);
    if (state.getApprovalsCount() >= MAX_APPROVALS) throw smpc.core.Errors.exhausted("%s keeps at most %d approvals: revoke some first", me, MAX_APPROVALS);
    Approval kept = a.toBuilder().setUses(uses).setGrantedBy(name(by)).setGrantedUnixMs(now).build();
    save(state.toBuilder().addApprovals(kept).build());
    return kept;
  }

  /** A standing policy on {@code v}, a value stored here that depends on this organisation's inputs. */
  synchronized Policy setPolicy(Authorizer.Principal by, Policy p, ValueInfo v, List<String> parties) {
    if (v == null) throw notFound("value '%s' not found on %s", p.getValue(), me);
    if (!Disclosure.recorded(v).contains(me)) {
      throw denied("value '%s' on %s does not depend on %s's inputs: its owners (%s) set its policy", p.getValue(), me, me,
          String.join(", ", Disclosure.recorded(v)));
    }
    for (String r : p.getRecipientsList()) {
      if (!parties.contains(r)) throw invalid("policy recipient '%s' is not a party of this cluster (%s)", r, String.join(", ", parties));
    }
    smpc.proto.Consents.Builder b = state.toBuilder().clearPolicies();
    for (Policy old : state.getPoliciesList()) if (!old.getValue().equals(p.getValue())) b.addPolicies(old);
    Policy kept = p.toBuilder().clearRecipients().addAllRecipients(new java.util.TreeSet<>(p.getRecipientsList()))
        .setGrantedBy(name(by)).setGrantedUnixMs(System.currentTimeMillis()).build();
    if (kept.getRecipientsCount() > 0) b.addPolicies(kept);
    save(b.build());
    return kept;
  }

  synchronized int revoke(RevokeRequest r) {
    if (r.getComputationDigest().isEmpty() && r.getValue().isEmpty()) throw invalid("say what to revoke: a computation digest or a value's policy");
    smpc.proto.Consents.Builder b = smpc.proto.Consents.newBuilder();
    int n = 0;
    for (Approval a : state.getApprovalsList()) {
      if (!r.getComputationDigest().isEmpty() && a.getComputationDigest().equals(r.getComputationDigest())) n++;
      else b.addApprovals(a);
    }
    for (Policy p : state.getPoliciesList()) {
      if (!r.getValue().isEmpty() && p.getValue().equals(r.getValue())) n++;
      else b.addPolicies(p);
    }
    if (n > 0) save(b.build());
    return n;
  }

  synchronized smpc.proto.Consents list() {
    prune(System.currentTimeMillis());
    return state;
  }

  /** A deleted value's policy goes with it (a new value of the same name starts without one). */
  synchronized void forget(String value) {
    if (state.getPoliciesList().stream().anyMatch(p -> p.getValue().equals(value))) revoke(RevokeRequest.newBuilder().setValue(value).build());
  }

  /**
   * Decides whether this organisation consents to a session requested here by {@code caller} (null on a
   * plaintext cluster: no principals, nothing is decided) whose computation digest is {@code digest}.
   * Returns the consents it used, as the audit log names them; spends an approval's use when one was needed.
   */
  synchronized List<String> admit(Authorizer.Principal caller, Plan plan, List<String> parties, byte[] digest) {
    List<String> used = new ArrayList<>();
    if (caller == null) return used;
    boolean ownClient = smpc.net.Tls.CLIENT.equals(caller.role()) && me.equals(caller.org());
    Approval approval = null;
    for (Disclosure.Output o : Disclosure.outputs(plan)) {
      SortedSet<String> owners = o.owners();
      for (String owner : owners) {
        if (!parties.contains(owner)) {
          throw denied("%s depends on %s's inputs, and %s takes no part in this session to consent", describe(o), owner, owner);
        }
      }
      if (!owners.contains(me)) continue;
      String recipient = o.revealed() ? o.party() : caller.org(); // a stored result is kept by the caller's organisation
      if (me.equals(recipient)) continue; // an owner always computes on its own values for itself
      if (ownClient) {
        used.add("requested by " + caller.name());
        continue;
      }
      List<String> policies = policies(o, recipient);
      if (policies != null) {
        used.addAll(policies);
        continue;
      }
      if (approval == null) approval = approval(digest);
      if (approval == null) {
        throw denied("%s's consent is missing: %s depends on %s; %s's client may approve this computation with `smpc --as %s approve"
            + " --digest %s` (see `smpc eval --explain`)", me, describe(o), inputsOf(o), me, me, Digests.hex(digest));
      }
    }
    if (approval != null) {
      spend(approval);
      used.add("approval " + Digests.hex(digest).substring(0, 16) + " by " + approval.getGrantedBy());
    }
    return used;
  }

  /** The policies that admit {@code recipient} for every input of {@code o} that depends on this organisation, or null. */
  private List<String> policies(Disclosure.Output o, String recipient) {
    List<String> out = new ArrayList<>();
    for (Disclosure.Input i : o.inputs()) {
      if (!i.owners().contains(me)) continue;
      Policy p = i.party().isEmpty() || i.party().equals(me) ? policy(i.name()) : null; // only values stored here have one
      if (p == null || !p.getRecipientsList().contains(recipient)) return null;
      out.add("policy on '" + i.name() + "' admits " + recipient);
    }
    return out;
  }

  private Policy policy(String value) {
    for (Policy p : state.getPoliciesList()) if (p.getValue().equals(value)) return p;
    return null;
  }

  private Approval approval(byte[] digest) {
    long now = System.currentTimeMillis();
    ByteString d = ByteString.copyFrom(digest);
    for (Approval a : state.getApprovalsList()) {
      if (a.getComputationDigest().equals(d) && a.getUses() > 0 && (a.getExpiresUnixMs() == 0 || a.getExpiresUnixMs() > now)) return a;
    }
    return null;
  }

  private void spend(Approval a) {
    smpc.proto.Consents.Builder b = state.toBuilder().clearApprovals();
    for (Approval x : state.getApprovalsList()) {
      if (x != a) b.addApprovals(x);
      else if (x.getUses() > 1) b.addApprovals(x.toBuilder().setUses(x.getUses() - 1));
    }
    save(b.build());
  }

  private void prune(long now) {
    if (state.getApprovalsList().stream().noneMatch(a -> a.getExpiresUnixMs() != 0 && a.getExpiresUnixMs() <= now)) return;
    smpc.proto.Consents.Builder b = state.toBuilder().clearApprovals();
    for (Approval a : state.getApprovalsList()) if (a.getExpiresUnixMs() == 0 || a.getExpiresUnixMs() > now) b.addApprovals(a);
    save(b.build());
  }

  private static String describe(Disclosure.Output o) {
    return "the output " + o;
  }

  private static String inputsOf(Disclosure.Output o) {
    return String.join(", ", o.inputs().stream().map(Disclosure.Input::toString).toList());
  }

  private static String name(Authorizer.Principal by) {
    return by == null ? Digests.PLAINTEXT : by.name();
  }

  /** Replaces the state, on disk first (atomically, synced): a consent revoked is never admitted again after a crash. */
  private void save(smpc.proto.Consents next) {
    if (file != null) {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
          java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(next.toByteArray()));
        ch.force(true);
      } catch (IOException e) {
        throw smpc.core.Errors.exhausted("%s cannot save its consents: %s", me, e.getMessage());
      }
      try {
        PrivateFiles.tighten(file.getParent());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw smpc.core.Errors.exhausted("%s cannot save its consents: %s", me, e.getMessage());
      }
    }
    state = next;
  }
}
