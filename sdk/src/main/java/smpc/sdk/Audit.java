package smpc.sdk;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import smpc.core.audit.AuditChain;
import smpc.proto.AuditChunk;
import smpc.proto.AuditRecord;
import smpc.proto.AuditRequest;
import smpc.proto.PartyGrpc;

/**
 * The parties' audit logs (docs/security.md, "Audit log"): each party's record of every session attempt and
 * of every call it refused, which only that party's client and administrator may read. {@link #log} reads one
 * party's log and checks its hash chain; {@link #verify} also checks the logs it can read against each other.
 */
public final class Audit {
  private final Connection conn;

  Audit(Connection conn) {
    this.conn = conn;
  }

  /**
   * One record: a session attempt ({@code call} Execute) or a refused call outside sessions. Digests and hashes in
   * hex. {@code outcome} is started (a session's intent: what it reads and reveals, written as it runs), done,
   * refused or failed; an outcome that follows an intent names it in {@code intent} (its hash) and repeats only
   * the session's id, digests and parties.
   */
  public record Record(long seq, Instant time, String party, String principal, String role, String call, String subject,
      String sessionId, String computationDigest, String sessionDigest, List<String> parties, List<Input> inputs,
      List<Output> outputs, List<String> consents, String outcome, String reason, Map<String, String> witnessed, String intent,
      String hash) {}

  /** An input of a session: a party's private value it shares ({@code party} set) or a shared value; who owns it. */
  public record Input(String name, String party, List<String> owners) {}

  /**
   * An output: revealed to {@code recipient} (kept under {@code name} if set), or stored shared as {@code name};
   * {@code shareTo}: the principal this party gave its share of it to, when it went straight to its caller
   * (docs/security.md "Reveals"), else empty.
   */
  public record Output(String recipient, String name, String shareTo) {}

  /** A party's log as read, and what is wrong with its chain (empty: intact). */
  public record Log(String party, List<Record> records, List<String> problems) {
    public boolean intact() {
      return problems.isEmpty();
    }
  }

  /**
   * The logs that could be read (each with its chain's problems), the parties whose logs could not be (and
   * why), and what the logs read say against each other.
   */
  public record Verification(Map<String, Log> logs, Map<String, String> unreadable, List<String> crossProblems) {
    public boolean ok() {
      return crossProblems.isEmpty() && logs.values().stream().allMatch(Log::intact);
    }
  }

  private record Raw(List<byte[]> records, ByteString head) {}

  /** A party's records, oldest first. */
  public List<Record> records(String party) {
    return log(party).records();
  }

  /** A party's log, its hash chain checked. */
  public Log log(String party) {
    return log(party, read(party));
  }

  /** Reads every party's log this client may read and checks each chain, then all of them against each other. */
  public Verification verify() {
    Map<String, Log> logs = new LinkedHashMap<>();
    Map<String, List<byte[]>> raw = new LinkedHashMap<>();
    Map<String, String> unreadable = new LinkedHashMap<>();
    for (String p : conn.config.partyNames()) {
      try {
        Raw r = read(p);
        raw.put(p, r.records());
        logs.put(p, log(p, r));
      } catch (SmpcException e) {
        unreadable.put(p, e.getMessage());
      }
    }
    return new Verification(logs, unreadable, AuditChain.crossCheck(raw));
  }

  private Raw read(String party) {
    conn.address(party);
    List<byte[]> records = new ArrayList<>();
    ByteString head = null;
    try {
      Iterator<AuditChunk> it = PartyGrpc.newBlockingStub(conn.channel(party)).withDeadlineAfter(conn.timeout.toMillis(), TimeUnit.MILLISECONDS)
          .audit(AuditRequest.getDefaultInstance());
      while (it.hasNext()) {
        AuditChunk c = it.next();
        c.getRecordsList().forEach(b -> records.add(b.toByteArray()));
        if (!c.getHead().isEmpty()) head = c.getHead();
      }
    } catch (StatusRuntimeException e) {
      throw SmpcException.from(e, conn.where(party));
    }
    return new Raw(records, head);
  }

  private static Log log(String party, Raw raw) {
    List<Record> out = new ArrayList<>();
    for (byte[] b : raw.records()) {
      AuditRecord r = AuditChain.parse(b);
      if (r != null) out.add(record(r, AuditChain.hex(AuditChain.hash(b))));
    }
    return new Log(party, out, AuditChain.verify(party, raw.records(), raw.head()));
  }

  private static Record record(AuditRecord r, String hash) {
    Map<String, String> witnessed = new LinkedHashMap<>();
    r.getWitnessedList().forEach(w -> witnessed.put(w.getParty(), AuditChain.hex(w.getHead())));
    return new Record(r.getSeq(), Instant.ofEpochMilli(r.getTimeUnixMs()), r.getParty(), r.getPrincipal(), r.getRole(), r.getCall(),
        r.getSubject(), AuditChain.hex(r.getSessionId()), AuditChain.hex(r.getComputationDigest()), AuditChain.hex(r.getSessionDigest()),
        List.copyOf(r.getPartiesList()), r.getInputsList().stream().map(i -> new Input(i.getName(), i.getParty(), List.copyOf(i.getOwnersList()))).toList(),
        r.getOutputsList().stream().map(o -> new Output(o.getRecipient(), o.getName(), o.getShareTo())).toList(), List.copyOf(r.getConsentsList()),
        switch (r.getOutcome()) {
          case AUDIT_DONE -> "done";
          case AUDIT_REFUSED -> "refused";
          case AUDIT_FAILED -> "failed";
          case AUDIT_STARTED -> "started";
          default -> "unknown";
        }, r.getReason(), witnessed, AuditChain.hex(r.getIntent()), hash);
  }
}
