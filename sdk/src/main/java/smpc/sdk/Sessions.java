package smpc.sdk;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import smpc.core.expr.Compiler;
import smpc.core.expr.Numerics;
import smpc.proto.AbortRequest;
import smpc.proto.ExecuteRequest;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.NameRequest;
import smpc.proto.Op;
import smpc.proto.PartyGrpc;
import smpc.proto.Plan;
import smpc.proto.SessionStats;
import smpc.proto.ValueInfo;

/**
 * Computations: compiles outputs into a plan, runs it as one session on every party at once, and collects
 * what is revealed to the caller. Parties exchange openings among themselves; this side sees no share but the
 * parts of an output revealed to it that parties send it straight, which it adds up ({@link Replies}).
 */
public final class Sessions {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Connection conn;
  private final Values values;
  volatile Numerics numerics;

  Sessions(Connection conn, Values values) {
    this.conn = conn;
    this.values = values;
    this.numerics = Numerics.DEFAULT.withExactRounding(conn.config.exactRounding());
  }

  /**
   * Compiles and runs outputs on {@code parties}, resolving names through the parties' catalog. An
   * evaluation that stores nothing resolves them through the catalog this connection read last (one
   * round trip less per evaluation): every party checks that the values it reads still are what the plan
   * assumes, and any refusal (or a name the old catalog lacks) makes it read the catalog again and compile
   * and run once more, so errors are those of a fresh catalog. One that stores reads it fresh, as before.
   */
  public Evaluation evaluate(List<Compiler.Output> outputs, List<String> parties) {
    boolean stores = outputs.stream().anyMatch(o -> o.storeAs() != null || o.keepAs() != null);
    Known known = this.known;
    if (!stores && known != null && known.parties().equals(parties)) {
      try {
        return evaluate(outputs, parties, known.catalog()::info, known.catalog(), known.plans());
      } catch (SmpcException e) {
        if (!e.isUsageError()) throw e;
        this.known = null; // perhaps stale: read it again
      }
    }
    Catalog cat = values.catalog(parties);
    if (!stores) this.known = new Known(List.copyOf(parties), cat);
    return evaluate(outputs, parties, cat::info, cat);
  }

  /**
   * Evaluates an expression of the expression language (docs/functions.md) on {@code parties}: its result is
   * revealed to {@code revealTo} and/or kept shared under {@code storeAs} (at least one of them).
   */
  public Evaluation evaluate(String expression, String revealTo, String storeAs, List<String> parties) {
    return evaluate(List.of(output(expression, revealTo, storeAs)), parties);
  }

  static Compiler.Output output(String expression, String revealTo, String storeAs) {
    if (revealTo == null && storeAs == null) throw SmpcException.usage("say where the result goes: --reveal-to P and/or --name OUT");
    try {
      return new Compiler.Output(smpc.core.expr.Parser.parse(expression), revealTo, null, storeAs);
    } catch (smpc.core.Failure e) {
      throw SmpcException.from(e, null);
    }
  }

  /**
   * The plan an evaluation of {@code outputs} would run against {@code cat}, without running anything (what
   * `approve` and `--explain` show); the parties digest it {@link #withoutOwners}.
   */
  Plan compile(List<Compiler.Output> outputs, List<String> parties, Catalog cat) {
    return compiled(outputs, parties, cat::info, cat).plan();
  }

  /** As {@link #compile}, resolving names through {@code resolve} (say, the catalog plus earlier sessions' planned stores). */
  Compiler.Compiled compiled(List<Compiler.Output> outputs, List<String> parties, Function<String, ValueInfo> resolve, Catalog cat) {
    for (String p : parties) conn.address(p);
    try {
      return Compiler.compile(outputs, parties, resolve, conn.config.fracBitsOrDefault(), numerics);
    } catch (smpc.core.Failure e) {
      if (e.getMessage().startsWith("unknown value name")) throw SmpcException.usage("%s%s", e.getMessage(), cat.unseenNote());
      throw SmpcException.from(e, null);
    }
  }

  /**
   * The catalog of some parties as this connection last read it, for evaluations that store nothing, and the plans
   * compiled against it: a program that runs the same computation again skips the compiler (about a tenth of an SDK
   * client's CPU in a small session such as the seed's). The compiler is deterministic and a plan holds no randomness (each run
   * has its own session id), so a plan compiled once is the plan compiled again; it goes with the catalog.
   */
  private record Known(List<String> parties, Catalog catalog, Map<PlanKey, Compiler.Compiled> plans) {
    Known(List<String> parties, Catalog catalog) {
      this(parties, catalog, java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PlanKey, Compiler.Compiled> eldest) {
          return size() > PLANS_KEPT;
        }
      }));
    }
  }

  /** Everything besides the catalog that a compiled plan depends on. */
  private record PlanKey(List<Compiler.Output> outputs, int fracBits, Numerics numerics) {}

  /** Plans kept per catalog, the least recently used dropped first. */
  static final int PLANS_KEPT = 64;

  private volatile Known known;

  /** Forgets the catalog read last (this connection changed what the parties store). */
  void changed() {
    known = null;
  }

  /**
   * Compiles outputs against a given catalog (say one read earlier, or of some parties only) and runs them on
   * {@code parties}; each party still checks that the values it reads are what the plan assumes.
   */
  public Evaluation evaluate(List<Compiler.Output> outputs, List<String> parties, Catalog catalog) {
    return evaluate(outputs, parties, catalog::info, catalog);
  }

  Evaluation evaluate(List<Compiler.Output> outputs, List<String> parties, Function<String, ValueInfo> resolve, Catalog cat) {
    return evaluate(outputs, parties, resolve, cat, null);
  }

  /** @param plans plans compiled earlier against the same catalog, to use and add to; null compiles afresh */
  Evaluation evaluate(List<Compiler.Output> outputs, List<String> parties, Function<String, ValueInfo> resolve, Catalog cat,
      Map<PlanKey, Compiler.Compiled> plans) {
    for (String p : parties) conn.address(p);
    for (Compiler.Output o : outputs) {
      if (o.revealTo() != null) conn.address(o.revealTo()); // an unknown party: say so, with the closest name
      if (o.storeAs() != null && cat != null && cat.contains(o.storeAs())) {
        throw SmpcException.usage("value '%s' already exists (on %s)", o.storeAs(), String.join(", ", cat.holders(o.storeAs())));
      }
    }
    PlanKey key = new PlanKey(List.copyOf(outputs), conn.config.fracBitsOrDefault(), numerics);
    Compiler.Compiled c = plans == null ? null : plans.get(key);
    if (c == null) {
      c = compile(outputs, parties, resolve, cat, key);
      if (plans != null) plans.put(key, c);
    }
    ByteString sid = newSessionId();
    try {
      return run(c.plan(), parties, sid);
    } catch (SmpcException e) {
      // only what this session stored: a concurrent session may have stored the same name and succeeded
      for (Compiler.Output o : outputs) if (o.storeAs() != null) deleteQuietly(o.storeAs(), parties, sid);
      throw e;
    }
  }

  private static Compiler.Compiled compile(List<Compiler.Output> outputs, List<String> parties, Function<String, ValueInfo> resolve,
      Catalog cat, PlanKey key) {
    try {
      return Compiler.compile(outputs, parties, resolve, key.fracBits(), key.numerics());
    } catch (smpc.core.Failure e) {
      if (cat != null && e.getMessage().startsWith("unknown value name")) {
        String missing = e.getMessage().replaceFirst("^unknown value name '(.*)'$", "$1");
        throw SmpcException.usage("%s%s", e.getMessage(), cat.hint(missing));
      }
      throw SmpcException.from(e, null);
    }
  }

  /**
   * The seed's share: splits the private value {@code name} among its owner and {@code with}, kept
   * shared under {@code as} (by default the same name, which replaces the owner's private copy).
   */
  public List<String> share(String name, List<String> with, String as) {
    Catalog cat = values.catalog();
    ValueInfo v = cat.info(name);
    if (v == null) throw SmpcException.usage("unknown value name '%s'%s", name, cat.hint(name));
    if (v.getKind() != Kind.PRIVATE) throw SmpcException.usage("value '%s' is already shared among %s", name, v.getPartiesList());
    String target = as != null ? as : name;
    if (!target.equals(name) && cat.contains(target)) {
      throw SmpcException.usage("value '%s' already exists (on %s)", target, String.join(", ", cat.holders(target)));
    }
    java.util.Set<String> holders = new java.util.HashSet<>(with);
    holders.forEach(conn::address);
    holders.add(v.getOwner());
    if (holders.size() < 2) throw SmpcException.usage("sharing needs at least one party besides the owner %s", v.getOwner());
    List<String> parties = conn.config.partyNames().stream().filter(holders::contains).toList();
    Plan plan = Plan.newBuilder()
        .addInstrs(Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName(name).setParty(v.getOwner()).setLength(v.getLength())
            .addAllProvenance(smpc.core.protocol.Disclosure.recorded(v)))
        .addInstrs(Instr.newBuilder().setOp(Op.STORE).addSrc(0).setName(target).setDtype(v.getDtype())
            .setReplace(target.equals(name)).setOwner(v.getOwner()))
        .build();
    run(plan, parties);
    return parties;
  }

  /** Runs a plan on every party at once; on the first failure aborts the others and reports the cause. */
  Evaluation run(Plan plan, List<String> parties) {
    return run(plan, parties, newSessionId());
  }

  private static ByteString newSessionId() {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    return ByteString.copyFrom(id);
  }

  private Evaluation run(Plan plan, List<String> parties, ByteString sid) {
    boolean stores = plan.getInstrsList().stream().anyMatch(i -> i.getOp() == Op.STORE || (i.getOp() == Op.REVEAL && !i.getName().isEmpty()));
    try {
      return execute(plan, parties, sid);
    } finally {
      if (stores) changed();
    }
  }

  /**
   * Who asks each party to run a plan: the configured principal, else (picked per action) each party's own
   * client where the plan brings in its private value (SHARE) or reveals to it — its consent — and the client
   * of the organisation that keeps the results (a stored value's owner, else the first recipient, else the
   * first party) at the others.
   */
  Map<String, String> requesters(Plan plan, List<String> parties) {
    Map<String, String> out = new LinkedHashMap<>();
    String owner = null, recipient = null;
    java.util.Set<String> consenting = new java.util.HashSet<>();
    for (Instr i : plan.getInstrsList()) {
      if (i.getOp() == Op.STORE && owner == null && !i.getOwner().isEmpty()) owner = i.getOwner();
      if (i.getOp() == Op.REVEAL && recipient == null) recipient = i.getParty();
      if (i.getOp() == Op.SHARE || i.getOp() == Op.REVEAL) consenting.add(i.getParty());
      if (i.getOp() == Op.SHARE || i.getOp() == Op.LOAD) consenting.addAll(smpc.core.protocol.Disclosure.owners(i)); // their consent
    }
    String keeper = owner != null && parties.contains(owner) ? owner : recipient != null ? recipient : parties.get(0);
    for (String p : parties) out.put(p, conn.principal() != null ? conn.principal() : conn.principalFor(consenting.contains(p) ? p : keeper));
    return out;
  }

  /**
   * A stored value's owner is each party's caller's organisation (one that names another would be refused),
   * so plans never name one: the computation digest an owner approves is then the same whoever runs it.
   */
  static Plan withoutOwners(Plan plan) {
    Plan.Builder b = plan.toBuilder();
    for (int k = 0; k < b.getInstrsCount(); k++) if (b.getInstrs(k).getOp() == Op.STORE) b.setInstrs(k, b.getInstrs(k).toBuilder().clearOwner());
    return b.build();
  }

  /** The computation digest the parties will compute for {@code plan} (as {@link #compile} made it) on {@code parties}. */
  byte[] digest(Plan plan, List<String> parties) {
    return smpc.core.protocol.Digests.computation(withoutOwners(plan), parties, conn.config.fracBitsOrDefault());
  }

  private Evaluation execute(Plan asked, List<String> parties, ByteString sid) {
    Map<String, String> who = requesters(asked, parties);
    boolean several = new java.util.HashSet<>(who.values()).size() > 1;
    Plan plan = withoutOwners(asked);
    ExecuteRequest req = ExecuteRequest.newBuilder().setSessionId(sid).addAllParties(parties)
        .setDeadlineUnixMs(System.currentTimeMillis() + conn.timeout.toMillis()).setPlan(plan)
        .setFracBits(conn.config.fracBitsOrDefault()).addAllRequesters(several ? who.values() : List.of())
        .setCallerAddsParts(true).build(); // Replies adds up every part: shares may come straight (docs/security.md "Reveals")
    Map<String, CompletableFuture<SessionStats>> calls = new LinkedHashMap<>();
    Replies replies = new Replies(plan, parties, routes(parties, who));
    CompletableFuture<Void> firstFailure = new CompletableFuture<>();
    for (String p : parties) {
      CompletableFuture<SessionStats> f = new CompletableFuture<>();
      f.whenComplete((r, e) -> { if (e != null) firstFailure.complete(null); });
      calls.put(p, f);
      PartyGrpc.newStub(conn.channel(p, who.get(p))).withDeadlineAfter(conn.timeout.toMillis() + 2000, TimeUnit.MILLISECONDS)
          .execute(req, replies.observer(p, f, conn.progress));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(calls.values().toArray(CompletableFuture[]::new));
    CompletableFuture.anyOf(all, firstFailure).exceptionally(e -> null).join();
    if (calls.values().stream().noneMatch(CompletableFuture::isCompletedExceptionally)) return collect(calls, replies, sid);
    for (String p : parties) abort(p, who.get(p), sid, "a party failed");
    try {
      all.get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // failures are inspected below; a party that never answers is covered by its deadline
    }
    throw cause(calls).inSession(logId(sid));
  }

  /**
   * Where the parties will send their shares of unnamed reveals: by the callers the session will have, one per party
   * ({@code who}); on a plaintext cluster there are none, and every share goes to the recipient.
   */
  smpc.core.protocol.RevealRoutes routes(List<String> parties, Map<String, String> who) {
    return smpc.net.Tls.revealRoutes(parties, conn.config.tls() == null ? null : parties.stream().map(who::get).toList());
  }

  /** A session's id as the parties' and the dealer's logs name it: its first 4 bytes in hex. */
  static String logId(ByteString sid) {
    return java.util.HexFormat.of().formatHex(sid.toByteArray(), 0, Math.min(4, sid.size()));
  }

  private Evaluation collect(Map<String, CompletableFuture<SessionStats>> calls, Replies replies, ByteString sid) {
    Map<String, PartyStats> stats = new LinkedHashMap<>();
    calls.forEach((p, f) -> stats.put(p, PartyStats.of(f.join())));
    return replies.evaluation(stats, logId(sid));
  }

  /**
   * The most telling failure: a party that could not be reached, then a refusal (a usage error, a denial, a
   * limit), then a party whose call never finished or ended otherwise, then one aborted by a peer's failure;
   * aborts this coordinator sent are consequences.
   */
  private SmpcException cause(Map<String, CompletableFuture<SessionStats>> calls) {
    SmpcException best = null;
    int bestRank = Integer.MAX_VALUE;
    for (Map.Entry<String, CompletableFuture<SessionStats>> e : calls.entrySet()) {
      String party = e.getKey(), where = conn.where(party);
      int rank;
      SmpcException ex;
      if (!e.getValue().isDone()) {
        rank = 2;
        ex = SmpcException.failure("%s did not answer before the session failed (stopped or unreachable)", where);
      } else if (e.getValue().isCompletedExceptionally()) {
        Throwable t = e.getValue().handle((r, x) -> x).join();
        Status s = smpc.net.Statuses.status(t).getStatus();
        boolean ourAbort = s.getCode() == Status.Code.ABORTED && String.valueOf(s.getDescription()).startsWith(ABORTED_PREFIX);
        boolean refusal = SmpcException.isUsage(s.getCode()) || s.getCode() == Status.Code.PERMISSION_DENIED
            || s.getCode() == Status.Code.RESOURCE_EXHAUSTED;
        // a party that refused the session (a missing consent, a quota) ends it for its peers, who then fail ABORTED
        rank = ourAbort ? 9 : s.getCode() == Status.Code.UNAVAILABLE ? 0 : refusal ? 1 : s.getCode() == Status.Code.ABORTED ? 4 : 3;
        ex = SmpcException.from(t, where);
        if (rank == 3 && !ex.getMessage().contains(party)) ex = new SmpcException(where + ": " + ex.getMessage(), false);
      } else {
        continue;
      }
      if (rank < bestRank) {
        bestRank = rank;
        best = ex;
      }
    }
    return best != null ? best : SmpcException.failure("session failed for an unknown reason");
  }

  /** How parties describe an abort this coordinator asked for (see PartyService.abort). */
  private static final String ABORTED_PREFIX = "session aborted: ";

  private void abort(String party, String as, ByteString sid, String reason) {
    try {
      PartyGrpc.newBlockingStub(conn.channelAsIs(party, as)).withDeadlineAfter(2, TimeUnit.SECONDS) // no wait for a dead party
          .abort(AbortRequest.newBuilder().setSessionId(sid).setReason(reason).build());
    } catch (StatusRuntimeException ignored) {
      // an unreachable party is the likely cause of the failure itself
    }
  }

  private void deleteQuietly(String name, List<String> parties, ByteString sid) {
    for (String p : parties) {
      try {
        conn.party(p).deleteValue(NameRequest.newBuilder().setName(name).setSessionId(sid).build());
      } catch (StatusRuntimeException ignored) {
        // best effort: the session failed, and the party may be the one that is down
      }
    }
  }
}
