package smpc.core.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import smpc.core.ring.Prg;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/**
 * Runs the real PlanRunner for n parties in threads of one JVM, with an in-memory network and dealer,
 * so protocols can be checked against plain computation without processes.
 */
public final class LocalProtocol {
  private LocalProtocol() {}

  /** Every message sent, for privacy checks: (from, to, tag, payload). */
  public record Message(int from, int to, String tag, byte[] payload) {}

  public static final int FRAC_BITS = 16;

  /** The parties' stores of a test session: integer private values by owner, and the catalog the compiler reads. */
  public static final class Stores {
    public final List<String> names;
    public final List<Map<String, StoredValue>> byParty = new ArrayList<>();
    public final Map<String, ValueInfo> catalog = new HashMap<>();

    public Stores(int n) {
      names = ProtocolTest.parties(n);
      for (int j = 0; j < n; j++) byParty.add(new HashMap<>());
    }

    /** Party {@code owner}'s private value {@code v}, a matrix of {@code cols} columns (0: a vector). */
    public void input(String name, int owner, long[] v, int cols) {
      ValueInfo info = ValueInfo.newBuilder().setName(name).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner(names.get(owner))
          .addProvenance(names.get(owner)).setLength(v.length).setCols(cols).build();
      catalog.put(name, info);
      byParty.get(owner).put(name, new StoredValue(info, v));
    }

    public List<Function<String, StoredValue>> reads() {
      return byParty.stream().map(m -> (Function<String, StoredValue>) m::get).toList();
    }
  }

  /** {@code len} ring elements drawn from {@code rnd}, every bit pattern possible. */
  public static long[] anyLongs(java.util.Random rnd, int len) {
    long[] v = new long[len];
    for (int i = 0; i < len; i++) v[i] = smpc.core.testing.Seeds.anyLong(rnd);
    return v;
  }

  public static List<PlanRunner.Outcome> run(Plan plan, List<String> parties, List<Function<String, StoredValue>> stores,
      List<Message> log) {
    return run(plan, parties, stores, log, Blocks.DEFAULT);
  }

  /** As above, each party streaming in blocks of {@code block} elements. */
  public static List<PlanRunner.Outcome> run(Plan plan, List<String> parties, List<Function<String, StoredValue>> stores,
      List<Message> log, int block) {
    return run(plan, parties, stores, log, block, RevealRoutes.VIA_RECIPIENT);
  }

  /** As above, each party's shares of unnamed reveals routed by {@code routes}. */
  public static List<PlanRunner.Outcome> run(Plan plan, List<String> parties, List<Function<String, StoredValue>> stores,
      List<Message> log, int block, RevealRoutes routes) {
    return run(plan, parties, stores, log, block, routes, kind -> { });
  }

  /** As above, {@code asked} told of each kind the designated party asks the dealer's corrections of, before they come. */
  public static List<PlanRunner.Outcome> run(Plan plan, List<String> parties, List<Function<String, StoredValue>> stores,
      List<Message> log, int block, RevealRoutes routes, java.util.function.Consumer<Material> asked) {
    int n = parties.size();
    byte[][] seeds = new byte[n][];
    for (int i = 0; i < n; i++) seeds[i] = Prg.freshSeed();
    byte[] dealerSeed = Prg.freshSeed();
    TruncSchedule truncation = TruncSchedule.of(plan.getTruncRunsList(), FRAC_BITS);
    MatrixSchedule matrices = MatrixSchedule.of(plan.getMatShapesList());
    Map<String, CompletableFuture<byte[]>> box = new ConcurrentHashMap<>();
    Map<Material, long[]> matrixCorrections = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<CompletableFuture<PlanRunner.Outcome>> results = new ArrayList<>();
      // the input seeds the parties' agreement messages carry (smpc.party.Agreement), exchanged up front
      List<InputSeeds> early = new ArrayList<>();
      for (int i = 0; i < n; i++) early.add(InputSeeds.draw(plan, i, parties));
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          if (i == j) continue;
          byte[] m = early.get(j).forPeer(i);
          if (log != null) log.add(new Message(j, i, "agree", m.clone()));
          early.get(i).receive(j, m);
        }
      }
      for (int i = 0; i < n; i++) {
        int me = i;
        Transport net = new Transport() {
          @Override
          public CompletableFuture<Void> send(int to, String tag, byte[] payload) {
            if (log != null) {
              synchronized (log) { // parties run in threads of their own
                log.add(new Message(me, to, tag, payload.clone()));
              }
            }
            box.computeIfAbsent(me + ">" + to + ":" + tag, k -> new CompletableFuture<>()).complete(payload);
            return CompletableFuture.completedFuture(null);
          }

          @Override
          public byte[] receive(int from, String tag) {
            try {
              return box.computeIfAbsent(from + ">" + me + ":" + tag, k -> new CompletableFuture<>()).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException("no message " + tag + " from " + from, e);
            }
          }
        };
        DealerLink dealer = new DealerLink() {
          @Override
          public byte[] seed() {
            return seeds[me];
          }

          @Override
          public long[][] corrections(Material kind, long start, int count) {
            asked.accept(kind);
            long all = kind.in(plan);
            if (kind != Material.MATRIX_TRIPLE || start < 0 || start + count > all) {
              return Streams.corrections(kind, seeds, dealerSeed, truncation, matrices, start, count);
            }
            // as GrpcDealerLink fetches them: all of the plan's at once, so the dealer expands each shared mask once
            long[] c = matrixCorrections.computeIfAbsent(kind, k -> Streams.corrections(k, seeds, dealerSeed, truncation, matrices, 0, (int) all)[0]);
            return new long[][] {java.util.Arrays.copyOfRange(c, (int) start, (int) start + count)};
          }

          @Override
          public long bytesReceived() {
            return 0;
          }
        };
        PlanRunner runner = new PlanRunner(me, parties, plan, net, dealer, stores.get(i), FRAC_BITS, block).inputSeeds(early.get(i)).revealRoutes(routes);
        results.add(CompletableFuture.supplyAsync(runner::run, pool));
      }
      return results.stream().map(CompletableFuture::join).toList();
    } finally {
      pool.shutdownNow();
    }
  }
}
