package smpc.party;

import static smpc.core.Errors.exhausted;

import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import smpc.core.protocol.Footprint;
import smpc.proto.Plan;

/**
 * What one party lets sessions take, checked when a session starts: sessions open per principal, the heap
 * a session's plan needs ({@link Footprint}, estimated before it runs), the heap all running sessions have
 * reserved together, and how far away a deadline may be. A refusal is RESOURCE_EXHAUSTED naming the limit,
 * its value and the option that sets it. A session holds its {@link Ticket} until it ends, however it ends.
 */
final class Quotas {
  /** The limits; a memory budget of 0 means a share of this JVM's maximum heap ({@link #defaults}). */
  record Limits(int sessionsPerPrincipal, long sessionBytes, long partyBytes, long maxDeadlineMs) {
    /** The part of the heap sessions may reserve: the rest is the store, the mailbox and gRPC's buffers. */
    static final double HEAP_SHARE = 0.8;

    static Limits defaults() {
      return of(16, 0, 0, 3600);
    }

    /** @param sessionMb 0: the party budget; @param partyMb 0: {@link #HEAP_SHARE} of the maximum heap */
    static Limits of(int sessionsPerPrincipal, long sessionMb, long partyMb, long maxSessionSeconds) {
      if (sessionsPerPrincipal < 1 || sessionMb < 0 || partyMb < 0 || maxSessionSeconds < 1) {
        throw new IllegalArgumentException("quota options must be positive (memory budgets 0 for the default)");
      }
      long party = partyMb > 0 ? partyMb << 20 : (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE);
      return new Limits(sessionsPerPrincipal, sessionMb > 0 ? Math.min(sessionMb << 20, party) : party, party,
          maxSessionSeconds * 1000);
    }
  }

  /** A running session's (or an input's) share of the limits, given back once by {@link #close}. */
  final class Ticket implements AutoCloseable {
    private final String principal; // null for an input, which counts no session
    private final long bytes;
    private boolean closed;

    private Ticket(String principal, long bytes) {
      this.principal = principal;
      this.bytes = bytes;
    }

    long bytes() {
      return bytes;
    }

    @Override
    public void close() {
      synchronized (Quotas.this) {
        if (closed) return;
        closed = true;
        reserved -= bytes;
        if (principal != null && open.merge(principal, -1, Integer::sum) == 0) open.remove(principal);
      }
    }
  }

  /** The one bucket all callers share on a plaintext cluster, where callers have no authenticated name. */
  static final String ANONYMOUS = "the callers of this plaintext cluster";

  private final String party;
  private final Limits limits;
  private final Map<String, Integer> open = new HashMap<>();
  private long reserved;

  Quotas(String party, Limits limits) {
    this.party = party;
    this.limits = limits;
  }

  /** Refuses a deadline further away than the maximum. */
  void checkDeadline(long deadlineUnixMs) {
    long away = deadlineUnixMs - System.currentTimeMillis();
    if (away > limits.maxDeadlineMs()) {
      throw exhausted("session deadline is %d s away, more than %s allows (limit %d s, --max-session-seconds)",
          away / 1000, party, limits.maxDeadlineMs() / 1000);
    }
  }

  /**
   * Admits a session of {@code principal} (null on a plaintext cluster) running {@code plan} among
   * {@code parties}, or refuses it; the caller closes the ticket when the session ends.
   */
  Ticket admit(String principal, Plan plan, int parties, ToLongFunction<String> storedLength) {
    long need = Footprint.bytes(plan, parties, storedLength);
    if (need > limits.sessionBytes()) {
      throw exhausted("the plan needs about %d MiB of memory on %s, more than one session may use (limit %d MiB,"
          + " --max-session-memory-mb)", mib(need), party, mib(limits.sessionBytes()));
    }
    return open(principal, need, "this plan");
  }

  /**
   * Heap an alignment holds per id of this party's: its hashed, raised, sorted and returned 32-byte lists, the
   * row map and the ids themselves. The peers' lists arrive through the mailbox, which bounds them itself.
   */
  static final long ALIGN_BYTES_PER_ID = 320;

  /** Admits an alignment of {@code ids} ids as a session of {@code principal}, or refuses it, as {@link #admit} does. */
  Ticket align(String principal, long ids) {
    long need = ids * ALIGN_BYTES_PER_ID;
    if (need > limits.sessionBytes()) {
      throw exhausted("an alignment of %d ids needs about %d MiB of memory on %s, more than one session may use"
          + " (limit %d MiB, --max-session-memory-mb)", ids, mib(need), party, mib(limits.sessionBytes()));
    }
    return open(principal, need, "this alignment");
  }

  private Ticket open(String principal, long need, String what) {
    String who = principal != null ? principal : ANONYMOUS;
    synchronized (this) {
      int mine = open.getOrDefault(who, 0);
      if (mine >= limits.sessionsPerPrincipal()) {
        throw exhausted("%s already %s %d sessions open on %s (limit %d, --max-sessions-per-principal)",
            principal != null ? "principal " + principal : ANONYMOUS, principal != null ? "has" : "have", mine, party,
            limits.sessionsPerPrincipal());
      }
      reserve(need, what);
      open.put(who, mine + 1);
    }
    return new Ticket(who, need);
  }

  /** Reserves the array an input of {@code elements} is received into, until it is stored or fails. */
  synchronized Ticket input(long elements) {
    reserve(8 * elements, "this input");
    return new Ticket(null, 8 * elements);
  }

  private void reserve(long need, String what) {
    if (reserved + need > limits.partyBytes()) {
      throw exhausted("%s has %d MiB of its memory budget reserved by running sessions and %s needs about %d MiB"
          + " more (limit %d MiB, --max-memory-mb): try again when sessions end", party, mib(reserved), what, mib(need),
          mib(limits.partyBytes()));
    }
    reserved += need;
  }

  synchronized long reservedBytes() {
    return reserved;
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
