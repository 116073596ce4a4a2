package smpc.party;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import smpc.proto.AuditOutcome;
import smpc.proto.AuditRecord;

/**
 * Peer messages refused for their sender (a certificate posing as another party) or for room (a sender over its
 * share of the message buffer), in the audit log without letting a flood write a record per message: a
 * sender's first refusal is recorded at once, later ones are counted and recorded as one at most every
 * {@link #EVERY_MS} (when the next refusal comes after that). Callers are certificate names, so the map holds
 * one entry per principal that was ever refused (one, "", on a plaintext cluster).
 */
final class PeerRefusals {
  private static final Logger LOG = Logger.getLogger(PeerRefusals.class.getName());
  static final long EVERY_MS = 60_000;

  private final AuditLog audit;
  private final Map<String, Tally> byCaller = new ConcurrentHashMap<>();

  private static final class Tally {
    long count;
    long since;
    long written = Long.MIN_VALUE;
    String reason;
  }

  PeerRefusals(AuditLog audit) {
    this.audit = audit;
  }

  /** Counts a refusal of {@code e}'s kind of a message from {@code caller}; returns whether a record was written. */
  boolean refused(String caller, String role, String call, StatusRuntimeException e, long nowMs) {
    Status.Code code = e.getStatus().getCode();
    if (code != Status.Code.PERMISSION_DENIED && code != Status.Code.RESOURCE_EXHAUSTED) return false;
    Tally t = byCaller.computeIfAbsent(caller == null ? "" : caller, k -> new Tally());
    AuditRecord.Builder r;
    synchronized (t) {
      if (t.count++ == 0) {
        t.since = nowMs;
        t.reason = AuditLog.reason(e);
      }
      if (t.written != Long.MIN_VALUE && nowMs - t.written < EVERY_MS) return false;
      r = AuditRecord.newBuilder().setTimeUnixMs(nowMs).setCall(call).setOutcome(AuditOutcome.AUDIT_REFUSED).setReason(t.reason)
          .setSubject(t.count == 1 ? "1 message refused" : t.count + " messages refused since " + java.time.Instant.ofEpochMilli(t.since));
      if (caller != null) r.setPrincipal(caller).setRole(role == null ? "" : role);
      t.written = nowMs;
      t.count = 0;
    }
    try {
      audit.write(r); // not waiting for the disk on a transport thread: the next session's sync makes it durable
    } catch (RuntimeException failed) { // a full disk: the refusal itself stands
      LOG.warning("could not record refused peer messages: " + failed.getMessage());
    }
    return true;
  }
}
