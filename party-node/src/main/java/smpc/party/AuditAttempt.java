package smpc.party;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Logger;
import smpc.core.protocol.Digests;
import smpc.net.Statuses;
import smpc.proto.AuditInput;
import smpc.proto.AuditOutcome;
import smpc.proto.AuditOutput;
import smpc.proto.AuditRecord;
import smpc.proto.AuditWitness;
import smpc.proto.ExecuteRequest;
import smpc.proto.Instr;
import smpc.proto.ValueInfo;

/**
 * The audit records of one Execute call, filled as the session goes. A call refused or failed before the plan
 * agreement passed has one record, written when it ends. A session that passed it has two: its intent
 * ({@link AuditOutcome#AUDIT_STARTED}), written as it begins to run and synced meanwhile, and its outcome (done, or
 * failed and why), written when it ends and naming the intent by hash. The reply waits for the intent's sync
 * alone: the outcome reaches the disk with the next sync, so a session's run, not the disk, sets its latency
 * (docs/security.md, "Audit log"). What a record names comes from the plan as asked (inputs and the
 * parties they come from, outputs and their recipients or stored names) and from this party's store (the
 * owners of what it holds); never a value.
 *
 * <p>Cross-party check without a message of its own: when the session starts here, this party sends each peer
 * its log's head (the hash of its last record on the disk) attached to the plan agreement's digest ({@link Agreement}),
 * and its intent keeps the heads its peers sent: each party vouches, in its own chained log, for what
 * its peers' logs held when they ran a session together (docs/security.md, "Audit log").
 */
final class AuditAttempt {
  private static final Logger LOG = Logger.getLogger(AuditAttempt.class.getName());

  private final AuditLog log;
  private final AuditRecord.Builder record;
  private final ExecuteRequest asked;
  private final int fracBits;
  private final Map<String, AuditInput.Builder> inputs = new LinkedHashMap<>();
  private final Map<String, ByteString> witnessed = new LinkedHashMap<>();
  private Session session;
  private Agreement agreement;
  /** The intent record as written, and its sync (null until the session runs). */
  private AuditLog.Written intent;
  private CompletableFuture<Void> intentSynced;
  private boolean ended;

  /** @param routes where this party's shares of reveals go (a share given to the caller is recorded as such) */
  AuditAttempt(AuditLog log, Authorizer.Principal caller, ExecuteRequest asked, int fracBits, Function<String, ValueInfo> stored,
      smpc.core.protocol.RevealRoutes routes) {
    this.log = log;
    this.asked = asked;
    this.fracBits = fracBits;
    record = AuditLog.record(caller, "Execute").setSessionId(asked.getSessionId()).addAllParties(asked.getPartiesList());
    int me = asked.getPartiesList().indexOf(log.me);
    for (Instr i : asked.getPlan().getInstrsList()) {
      switch (i.getOp()) {
        // the owners each LOAD and SHARE declares, which every holder checked against its own record
        case SHARE -> inputs.computeIfAbsent(i.getName() + "@" + i.getParty(), k -> AuditInput.newBuilder().setName(i.getName())
            .setParty(i.getParty()).addAllOwners(i.getProvenanceCount() > 0 ? i.getProvenanceList() : List.of(i.getParty())));
        case LOAD -> inputs.computeIfAbsent(i.getName() + "@", k -> {
          ValueInfo v = stored.apply(i.getName()); // a value stored before provenance existed: its owner alone
          AuditInput.Builder in = AuditInput.newBuilder().setName(i.getName()).addAllOwners(i.getProvenanceList());
          return i.getProvenanceCount() == 0 && v != null && !v.getOwner().isEmpty() ? in.addOwners(v.getOwner()) : in;
        });
        case REVEAL -> {
          AuditOutput.Builder o = AuditOutput.newBuilder().setRecipient(i.getParty()).setName(i.getName());
          if (i.getName().isEmpty() && me >= 0 && !i.getParty().equals(log.me) && routes.toCaller(me, i.getParty())) o.setShareTo(caller.name());
          record.addOutputs(o);
        }
        case STORE -> record.addOutputs(AuditOutput.newBuilder().setName(i.getName()));
        default -> { }
      }
    }
  }

  /** The consents this party used to admit the session (how each is shown is the caller's choice). */
  void consents(Collection<String> used) {
    record.clearConsents().addAllConsents(used);
  }

  /** Runs a step before the session starts here; its failure is recorded as this party's refusal. */
  <T> T refusing(Supplier<T> step) {
    try {
      return step.get();
    } catch (RuntimeException e) {
      record(AuditOutcome.AUDIT_REFUSED, e);
      throw e;
    }
  }

  /** This log's head, for the agreement to send every peer when the session starts here. */
  byte[] head() {
    return log.head().toByteArray();
  }

  /** The session started here and its digests (with {@link #head}) were sent. */
  void started(Session s, Agreement a) {
    session = s;
    agreement = a;
    record.setComputationDigest(ByteString.copyFrom(a.computation)).setSessionDigest(ByteString.copyFrom(a.session));
  }

  /**
   * The agreement passed and the session runs: writes its intent with every peer's head, which came with its
   * digest, and starts syncing it.
   */
  void running() {
    witness();
    intent = log.write(full(AuditOutcome.AUDIT_STARTED));
    intentSynced = log.synced(intent.end());
    // an intent that cannot reach the disk fails the session now, not after it ran
    intentSynced.whenComplete((v, e) -> {
      if (e != null) session.fail(cause(e));
    });
  }

  /**
   * Returns once the intent is on the disk: before this party keeps or hands out anything of the session (a
   * stored value, a revealed block, its reply). Throws, and the session then fails here, when it cannot be.
   */
  void awaitIntent() {
    try {
      intentSynced.join();
    } catch (CompletionException e) {
      throw cause(e);
    }
  }

  private static RuntimeException cause(Throwable e) {
    Throwable c = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return c instanceof RuntimeException r ? r : new IllegalStateException(c);
  }

  /**
   * The session is done here: writes its outcome after its intent, which is on the disk ({@link #awaitIntent}).
   * Throws, and the session then fails here (recorded by {@link #failed}), when it cannot be written.
   */
  void done() {
    awaitIntent();
    log.write(outcome(AuditOutcome.AUDIT_DONE));
    ended = true;
  }

  /** The peers' heads that came (a failed session waits for nothing more). */
  private void witness() {
    if (session == null) return;
    for (int j = 0; j < session.parties.size(); j++) {
      byte[] h = j == session.me ? null : agreement.attached(j);
      if (h != null) witnessed.put(session.parties.get(j), ByteString.copyFrom(h));
    }
  }

  /** The session failed here (or this party refused it, by an authorisation or a quota): records why. */
  void failed(Throwable e) {
    if (ended) return;
    witness();
    Status.Code code = Statuses.status(e).getStatus().getCode();
    boolean refused = code == Status.Code.PERMISSION_DENIED || code == Status.Code.RESOURCE_EXHAUSTED;
    record(refused ? AuditOutcome.AUDIT_REFUSED : AuditOutcome.AUDIT_FAILED, e);
  }

  /** Records a refusal or failure; one that cannot be written stays attached to it, which the caller gets. */
  private void record(AuditOutcome outcome, Throwable e) {
    try {
      end(outcome, e);
    } catch (RuntimeException notWritten) {
      LOG.warning("session " + Session.shortId(asked.getSessionId()) + ": could not record its end: " + notWritten.getMessage());
      e.addSuppressed(notWritten);
    }
  }

  /** Writes and syncs the record of how the attempt ended: its outcome after an intent, else the whole record. */
  private void end(AuditOutcome outcome, Throwable e) {
    if (ended) return;
    ended = true;
    AuditRecord.Builder r = intent != null ? outcome(outcome) : full(outcome);
    if (e != null) r.setReason(AuditLog.reason(e));
    log.append(r);
  }

  /** Everything the attempt is about: the plan's inputs and outputs, consents used, the peers' heads. */
  private AuditRecord.Builder full(AuditOutcome outcome) {
    if (record.getComputationDigest().isEmpty()) { // refused before the agreement: what was asked, as the peers digest it
      record.setComputationDigest(ByteString.copyFrom(Digests.computation(asked.getPlan(), asked.getPartiesList(), fracBits)));
    }
    List<AuditWitness> heads = new ArrayList<>();
    witnessed.forEach((p, h) -> heads.add(AuditWitness.newBuilder().setParty(p).setHead(h).build()));
    AuditRecord.Builder r = record.clone();
    inputs.values().forEach(r::addInputs);
    return r.addAllWitnessed(heads).setOutcome(outcome);
  }

  /** An outcome after the intent: the session it ends, by id, digests, parties and the intent's hash. */
  private AuditRecord.Builder outcome(AuditOutcome outcome) {
    return AuditLog.record(null, "Execute").setPrincipal(record.getPrincipal()).setRole(record.getRole())
        .setSessionId(record.getSessionId()).setComputationDigest(record.getComputationDigest()).setSessionDigest(record.getSessionDigest())
        .addAllParties(record.getPartiesList()).setIntent(intent.hash()).setOutcome(outcome);
  }
}
