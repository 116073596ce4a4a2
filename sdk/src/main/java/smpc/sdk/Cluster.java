package smpc.sdk;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import smpc.core.expr.Compiler;
import smpc.core.expr.Numerics;
import smpc.net.Chunks;
import smpc.net.Grpc;
import smpc.core.protocol.Limits;
import smpc.core.ring.Packing;
import smpc.proto.AbortRequest;
import smpc.proto.DType;
import smpc.proto.DealerGrpc;
import smpc.proto.ExecuteReply;
import smpc.proto.ExecuteRequest;
import smpc.proto.InputChunk;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.ListRequest;
import smpc.proto.NameRequest;
import smpc.proto.PartyGrpc;
import smpc.proto.Plan;
import smpc.proto.Revealed;
import smpc.proto.SessionStats;
import smpc.proto.StatusReply;
import smpc.proto.StatusRequest;
import smpc.proto.ValueChunk;
import smpc.proto.ValueInfo;

/**
 * A connection to a running cluster: the coordinator's side. It stores inputs on their owners,
 * compiles computations into plans, runs sessions on the parties and collects what is revealed to
 * the caller. It never receives a share: parties exchange openings among themselves.
 */
public final class Cluster implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ClusterConfig config;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Map<String, Boolean> temporaries = new ConcurrentHashMap<>();
  private Duration timeout = Duration.ofSeconds(60);
  private Numerics numerics = Numerics.DEFAULT;

  private final ClientInterceptor[] interceptors;
  private final smpc.net.Tls identity;
  private final io.grpc.netty.shaded.io.netty.channel.EventLoopGroup loops = Grpc.clientLoops();

  private Cluster(ClusterConfig config, ClientInterceptor[] interceptors) {
    this.config = config;
    this.interceptors = interceptors;
    this.identity = config.identity();
  }

  /** Connects to the cluster; interceptors see every call (auditing, metrics). */
  public static Cluster connect(ClusterConfig config, ClientInterceptor... interceptors) {
    return new Cluster(config, interceptors);
  }

  /** The cluster of $SMPC_CLUSTER or ~/.smpc/cluster.json, else the default local endpoints. */
  public static Cluster connect() {
    return connect(ClusterConfig.loadOrDefaults(ClusterConfig.defaultFile()));
  }

  /** Deadline of each session and call (default 60 s). */
  public Cluster withTimeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  /** Numeric settings of division and the nonlinear functions (default {@link Numerics#DEFAULT}). */
  public Cluster withNumerics(Numerics numerics) {
    this.numerics = numerics;
    return this;
  }

  public ClusterConfig config() {
    return config;
  }

  /** The fixed-point fractional bits reals are encoded with. */
  public int fracBits() {
    return config.fracBitsOrDefault();
  }

  public List<String> parties() {
    return config.partyNames();
  }

  public VirtualMachine vm(String name) {
    address(name);
    return new VirtualMachine(name, this);
  }

  String address(String party) {
    return config.parties().stream().filter(n -> n.name().equals(party)).findFirst()
        .map(ClusterConfig.Node::address)
        .orElseThrow(() -> SmpcException.usage("unknown party '%s' (the cluster has %s)", party, String.join(", ", parties())));
  }

  private ManagedChannel channel(String party) {
    // a channel left failing by a process that has since restarted reconnects at once (callers' threads only)
    return Grpc.revive(channelAsIs(party), 3_000);
  }

  private ManagedChannel channelAsIs(String party) {
    String addr = party == null ? config.dealer().address() : address(party);
    // the SDK's own callbacks only file replies and complete futures: they run on the transport thread
    // (one hand-off less per call), unless a caller's interceptors might block
    return channels.computeIfAbsent(addr, a -> Grpc.channel(a, identity, interceptors.length == 0, loops, interceptors));
  }

  private PartyGrpc.PartyBlockingStub party(String name) {
    return PartyGrpc.newBlockingStub(channel(name)).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String where(String party, String address) {
    return "party " + party + " (" + address + ")";
  }

  // ------------------------------------------------------------------ store

  /** Stores a private integer value on its owner. */
  public ValueInfo input(String party, String name, long[] values) {
    return input(party, name, values, DType.INT);
  }

  /** round(x * 2^f) with the cluster's fractional bits, or a usage error naming what is out of range. */
  long encode(double x, String what) {
    try {
      return smpc.core.ring.FixedPoint.encode(new java.math.BigDecimal(Double.toString(x)), config.fracBitsOrDefault(), what);
    } catch (smpc.core.Failure e) {
      throw SmpcException.from(e, null);
    }
  }

  /** Stores a private real value on its owner, encoded with the cluster's fractional bits. */
  public ValueInfo inputReal(String party, String name, java.math.BigDecimal[] values) {
    int f = config.fracBitsOrDefault();
    long[] enc = new long[values.length];
    try {
      for (int i = 0; i < values.length; i++) {
        enc[i] = smpc.core.ring.FixedPoint.encode(values[i], f, values.length == 1 ? "'" + name + "'" : "element " + (i + 1) + " of '" + name + "'");
      }
    } catch (smpc.core.Failure e) {
      throw SmpcException.from(e, null);
    }
    return input(party, name, enc, DType.REAL);
  }

  private ValueInfo input(String party, String name, long[] values, DType dtype) {
    if (values.length == 0) throw SmpcException.usage("value '%s' is an empty vector", name);
    if (values.length > Limits.MAX_LENGTH) throw SmpcException.usage("value '%s' has more than %d elements", name, Limits.MAX_LENGTH);
    byte[] bytes = Packing.toBytes(values);
    int chunk = Limits.CHUNK_BYTES;
    Chunks.Upload<InputChunk, ValueInfo> up = Chunks.upload(Chunks.count(bytes.length, chunk), k -> {
      InputChunk.Builder b = InputChunk.newBuilder()
          .setData(UnsafeByteOperations.unsafeWrap(bytes, k * chunk, Math.min(chunk, bytes.length - k * chunk)));
      if (k == 0) b.setName(name).setDtype(dtype).setLength(values.length).setFracBits(dtype == DType.REAL ? config.fracBitsOrDefault() : 0);
      return b.build();
    });
    PartyGrpc.newStub(channel(party)).withOnReadyThreshold(Grpc.QUEUED).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .input(up);
    try {
      return up.reply.join();
    } catch (RuntimeException e) {
      throw SmpcException.from(e.getCause() != null ? e.getCause() : e, where(party, address(party)));
    } finally {
      changed();
    }
  }

  /** A private value of {@code party} (the owner's or a result revealed to it). */
  public long[] fetch(String party, String name) {
    try {
      Iterator<ValueChunk> it = party(party).getValue(NameRequest.newBuilder().setName(name).build());
      ValueInfo info = null;
      long[] out = null;
      int pos = 0;
      while (it.hasNext()) {
        ValueChunk c = it.next();
        if (c.hasInfo()) {
          info = c.getInfo();
          out = new long[Math.toIntExact(info.getLength())];
        }
        if (out == null) throw SmpcException.failure("%s sent data before metadata", where(party, address(party)));
        long[] part = Packing.fromByteString(c.getData());
        System.arraycopy(part, 0, out, pos, part.length);
        pos += part.length;
      }
      if (out == null || pos != out.length) throw SmpcException.failure("%s sent an incomplete value", where(party, address(party)));
      return out;
    } catch (StatusRuntimeException e) {
      throw SmpcException.from(e, where(party, address(party)));
    }
  }

  /** What every party stores (metadata only). Fails naming the first party that does not answer. */
  public Catalog catalog() {
    return catalog(parties());
  }

  /** What the given parties store (metadata only), asked of all of them at once. */
  public Catalog catalog(List<String> parties) {
    Map<String, com.google.common.util.concurrent.ListenableFuture<smpc.proto.ListReply>> calls = new LinkedHashMap<>();
    for (String p : parties) {
      calls.put(p, PartyGrpc.newFutureStub(channel(p)).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .listValues(ListRequest.getDefaultInstance()));
    }
    Catalog c = new Catalog();
    for (Map.Entry<String, com.google.common.util.concurrent.ListenableFuture<smpc.proto.ListReply>> e : calls.entrySet()) {
      try {
        c.add(e.getKey(), e.getValue().get().getValuesList());
      } catch (java.util.concurrent.ExecutionException ex) {
        throw SmpcException.from(ex.getCause(), where(e.getKey(), address(e.getKey())));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw SmpcException.failure("interrupted");
      }
    }
    return c;
  }

  /** Deletes a name on every party holding it; returns those parties. */
  public List<String> delete(String name) {
    List<String> done = new ArrayList<>();
    for (String p : parties()) {
      try {
        if (party(p).deleteValue(NameRequest.newBuilder().setName(name).build()).getDeleted()) done.add(p);
      } catch (StatusRuntimeException e) {
        throw SmpcException.from(e, where(p, address(p)));
      }
    }
    temporaries.remove(name);
    changed();
    return done;
  }

  /** Status of the dealer (key "dealer") and every party; an unreachable process maps to its error. */
  public Map<String, Object> status() {
    Map<String, Object> out = new LinkedHashMap<>();
    long ms = Math.min(timeout.toMillis(), 3000);
    try {
      out.put("dealer", DealerGrpc.newBlockingStub(channel(null)).withDeadlineAfter(ms, TimeUnit.MILLISECONDS)
          .status(StatusRequest.getDefaultInstance()));
    } catch (StatusRuntimeException e) {
      out.put("dealer", SmpcException.from(e, "dealer (" + config.dealer().address() + ")"));
    }
    for (String p : parties()) {
      try {
        out.put(p, PartyGrpc.newBlockingStub(channel(p)).withDeadlineAfter(ms, TimeUnit.MILLISECONDS)
            .status(StatusRequest.getDefaultInstance()));
      } catch (StatusRuntimeException e) {
        out.put(p, SmpcException.from(e, where(p, address(p))));
      }
    }
    return out;
  }

  /** True when the dealer and every party of {@code config} answer within a few seconds. */
  public static boolean isUp(ClusterConfig config) {
    try (Cluster c = connect(config).withTimeout(Duration.ofSeconds(3))) {
      return allHealthy(c.status());
    }
  }

  /** True when every status answered. */
  public static boolean allHealthy(Map<String, Object> status) {
    return status.values().stream().allMatch(v -> v instanceof StatusReply);
  }

  // ------------------------------------------------------------------ sessions

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
        return evaluate(outputs, parties, known.catalog()::resolve, known.catalog());
      } catch (SmpcException e) {
        if (!e.isUsageError()) throw e;
        this.known = null; // perhaps stale: read it again
      }
    }
    Catalog cat = catalog(parties);
    if (!stores) this.known = new Known(List.copyOf(parties), cat);
    return evaluate(outputs, parties, cat::resolve, cat);
  }

  /** The catalog of some parties as this connection last read it, for evaluations that store nothing. */
  private record Known(List<String> parties, Catalog catalog) {}

  private volatile Known known;

  /** Forgets the catalog read last (this connection changed what the parties store). */
  private void changed() {
    known = null;
  }

  Evaluation evaluate(List<Compiler.Output> outputs, List<String> parties, Function<String, ValueInfo> resolve, Catalog cat) {
    for (String p : parties) address(p);
    for (Compiler.Output o : outputs) {
      if (o.storeAs() != null && cat != null && cat.contains(o.storeAs())) {
        throw SmpcException.usage("value '%s' already exists (on %s)", o.storeAs(), String.join(", ", cat.holders(o.storeAs())));
      }
    }
    Compiler.Compiled c;
    try {
      c = Compiler.compile(outputs, parties, resolve, config.fracBitsOrDefault(), numerics);
    } catch (smpc.core.Failure e) {
      throw SmpcException.from(e, null);
    }
    try {
      return run(c.plan(), parties);
    } catch (SmpcException e) {
      for (Compiler.Output o : outputs) if (o.storeAs() != null) deleteQuietly(o.storeAs(), parties);
      throw e;
    }
  }

  /**
   * The seed's share: splits the private value {@code name} among its owner and {@code with}, kept
   * shared under {@code as} (by default the same name, which replaces the owner's private copy).
   */
  public List<String> share(String name, List<String> with, String as) {
    Catalog cat = catalog();
    ValueInfo v = cat.resolve(name);
    if (v == null) throw SmpcException.usage("unknown value name '%s'", name);
    if (v.getKind() != Kind.PRIVATE) throw SmpcException.usage("value '%s' is already shared among %s", name, v.getPartiesList());
    String target = as != null ? as : name;
    if (!target.equals(name) && cat.contains(target)) {
      throw SmpcException.usage("value '%s' already exists (on %s)", target, String.join(", ", cat.holders(target)));
    }
    java.util.Set<String> holders = new java.util.HashSet<>(with);
    holders.forEach(this::address);
    holders.add(v.getOwner());
    if (holders.size() < 2) throw SmpcException.usage("sharing needs at least one party besides the owner %s", v.getOwner());
    List<String> parties = parties().stream().filter(holders::contains).toList();
    Plan plan = Plan.newBuilder()
        .addInstrs(Instr.newBuilder().setOp(Op.SHARE).addDst(0).setName(name).setParty(v.getOwner()))
        .addInstrs(Instr.newBuilder().setOp(Op.STORE).addSrc(0).setName(target).setDtype(v.getDtype())
            .setReplace(target.equals(name)).setOwner(v.getOwner()))
        .build();
    run(plan, parties);
    return parties;
  }

  /** Runs a plan on every party at once; on the first failure aborts the others and reports the cause. */
  public Evaluation run(Plan plan, List<String> parties) {
    boolean stores = plan.getInstrsList().stream().anyMatch(i -> i.getOp() == Op.STORE || (i.getOp() == Op.REVEAL && !i.getName().isEmpty()));
    try {
      return execute(plan, parties);
    } finally {
      if (stores) changed();
    }
  }

  private Evaluation execute(Plan plan, List<String> parties) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    ByteString sid = ByteString.copyFrom(id);
    ExecuteRequest req = ExecuteRequest.newBuilder().setSessionId(sid).addAllParties(parties)
        .setDeadlineUnixMs(System.currentTimeMillis() + timeout.toMillis()).setPlan(plan)
        .setFracBits(config.fracBitsOrDefault()).build();
    Map<String, CompletableFuture<PartyResult>> calls = new LinkedHashMap<>();
    CompletableFuture<Void> firstFailure = new CompletableFuture<>();
    for (String p : parties) {
      CompletableFuture<PartyResult> f = new CompletableFuture<>();
      f.whenComplete((r, e) -> { if (e != null) firstFailure.complete(null); });
      calls.put(p, f);
      PartyGrpc.newStub(channel(p)).withDeadlineAfter(timeout.toMillis() + 2000, TimeUnit.MILLISECONDS)
          .execute(req, observer(f));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(calls.values().toArray(CompletableFuture[]::new));
    CompletableFuture.anyOf(all, firstFailure).exceptionally(e -> null).join();
    if (calls.values().stream().noneMatch(CompletableFuture::isCompletedExceptionally)) return collect(calls);
    for (String p : parties) abort(p, sid, "a party failed");
    try {
      all.get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // failures are inspected below; a party that never answers is covered by its deadline
    }
    throw cause(calls);
  }

  private Evaluation collect(Map<String, CompletableFuture<PartyResult>> calls) {
    Map<String, SessionStats> stats = new LinkedHashMap<>();
    Map<Integer, long[]> revealed = new java.util.TreeMap<>();
    Map<Integer, Integer> scales = new java.util.TreeMap<>();
    calls.forEach((p, f) -> {
      PartyResult r = f.join();
      stats.put(p, r.stats());
      revealed.putAll(r.revealed());
      scales.putAll(r.scales());
    });
    return new Evaluation(List.copyOf(revealed.values()), List.copyOf(scales.values()), stats);
  }

  /**
   * The most telling failure: a party that could not be reached, then a refusal (a usage error), then a
   * party whose call never finished or ended otherwise; aborts this coordinator sent are consequences.
   */
  private SmpcException cause(Map<String, CompletableFuture<PartyResult>> calls) {
    SmpcException best = null;
    int bestRank = Integer.MAX_VALUE;
    for (Map.Entry<String, CompletableFuture<PartyResult>> e : calls.entrySet()) {
      String party = e.getKey(), where = where(party, address(party));
      int rank;
      SmpcException ex;
      if (!e.getValue().isDone()) {
        rank = 2;
        ex = SmpcException.failure("%s did not answer before the session failed (stopped or unreachable)", where);
      } else if (e.getValue().isCompletedExceptionally()) {
        Throwable t = e.getValue().handle((r, x) -> x).join();
        Status s = smpc.net.Statuses.status(t).getStatus();
        boolean ourAbort = s.getCode() == Status.Code.ABORTED && String.valueOf(s.getDescription()).startsWith(ABORTED_PREFIX);
        rank = ourAbort ? 9 : s.getCode() == Status.Code.UNAVAILABLE ? 0 : SmpcException.isUsage(s.getCode()) ? 1 : 3;
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

  private void abort(String party, ByteString sid, String reason) {
    try {
      PartyGrpc.newBlockingStub(channelAsIs(party)).withDeadlineAfter(2, TimeUnit.SECONDS) // no wait for a dead party
          .abort(AbortRequest.newBuilder().setSessionId(sid).setReason(reason).build());
    } catch (StatusRuntimeException ignored) {
      // an unreachable party is the likely cause of the failure itself
    }
  }

  private void deleteQuietly(String name, List<String> parties) {
    for (String p : parties) {
      try {
        party(p).deleteValue(NameRequest.newBuilder().setName(name).build());
      } catch (StatusRuntimeException ignored) {
        // best effort: the session failed, and the party may be the one that is down
      }
    }
  }

  /** What one party's Execute stream brings: its revealed outputs (reassembled from chunks) and its stats. */
  private record PartyResult(Map<Integer, long[]> revealed, Map<Integer, Integer> scales, SessionStats stats) {}

  private static StreamObserver<ExecuteReply> observer(CompletableFuture<PartyResult> f) {
    return new StreamObserver<>() {
      private final Map<Integer, long[]> revealed = new java.util.TreeMap<>();
      private final Map<Integer, Integer> scales = new java.util.TreeMap<>();
      private SessionStats stats;

      @Override
      public void onNext(ExecuteReply r) {
        if (r.hasStats()) {
          stats = r.getStats();
          return;
        }
        Revealed part = r.getRevealed();
        scales.put(part.getOutput(), part.getScale());
        long[] out = revealed.computeIfAbsent(part.getOutput(), k -> new long[Math.toIntExact(part.getLength())]);
        long[] data = Packing.fromByteString(part.getData());
        System.arraycopy(data, 0, out, Math.toIntExact(part.getOffset()), data.length);
      }

      @Override
      public void onError(Throwable t) {
        f.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (stats == null) f.completeExceptionally(SmpcException.failure("a party ended its reply without statistics"));
        else f.complete(new PartyResult(revealed, scales, stats));
      }
    };
  }

  // ------------------------------------------------------------------ SDK temporaries

  /** A fresh name for an SDK value that is deleted when this connection closes. */
  String temporary() {
    String name = "_sdk_" + HexFormat.of().formatHex(randomBytes(6));
    temporaries.put(name, Boolean.TRUE);
    return name;
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  /** Deletes this connection's temporary values (intermediate inputs and results) and closes channels. */
  @Override
  public void close() {
    for (String name : List.copyOf(temporaries.keySet())) {
      try {
        delete(name);
      } catch (SmpcException ignored) {
        // a party that is down keeps its copy until it is removed with `smpc rm`
      }
    }
    Grpc.close(channels.values());
    Grpc.stop(loops);
  }
}
