package smpc.core.protocol;

import static smpc.core.Errors.invalid;
import static smpc.core.Errors.notFound;
import static smpc.core.Errors.precondition;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import smpc.core.ring.Packing;
import smpc.core.ring.Prg;
import smpc.core.ring.Ring;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Plan;
import smpc.proto.Revealed;
import smpc.proto.SessionStats;
import smpc.proto.ValueInfo;

/**
 * Runs one party's side of a plan. Every party runs the same plan in the same order, so their
 * dealer streams and message tags stay in lockstep without any coordination. Registers hold this
 * party's shares; they live only as long as the runner (the session).
 */
public final class PlanRunner implements SessionView {
  /** What a successful run leaves: values to store (committed by the caller), revealed outputs, stats. */
  public record Outcome(List<Store> stores, List<Revealed> revealed, SessionStats stats) {}

  /** A value to keep when the session succeeds; {@code replace} allows replacing the owner's private value. */
  public record Store(StoredValue value, boolean replace) {}

  /** Names the plan would store on party {@code me}, with their replace flags, so they can be checked up front. */
  public static List<Store> plannedStores(Plan plan, String me) {
    List<Store> out = new ArrayList<>();
    for (Instr in : plan.getInstrsList()) {
      boolean keep = in.getOp() == smpc.proto.Op.STORE
          || (in.getOp() == smpc.proto.Op.REVEAL && !in.getName().isEmpty() && in.getParty().equals(me));
      if (keep) {
        ValueInfo info = ValueInfo.newBuilder().setName(in.getName()).build();
        out.add(new Store(new StoredValue(info, null), in.getReplace()));
      }
    }
    return out;
  }

  private final int me;
  private final List<String> parties;
  private final Plan plan;
  private final Transport net;
  private final DealerLink dealer;
  private final Function<String, StoredValue> store;

  private final Map<Integer, long[]> regs = new HashMap<>();
  private final Map<Integer, Runnable> pending = new HashMap<>(); // lazily received input shares
  private final List<CompletableFuture<Void>> sends = new ArrayList<>();
  private final List<Store> stores = new ArrayList<>();
  private final List<Revealed> revealed = new ArrayList<>();
  private final int fracBits;
  /** Items of each kind of dealer material taken so far: the next one's position in its streams. */
  private final EnumMap<Material, Long> taken = new EnumMap<>(Material.class);
  private final TruncSchedule truncSchedule;
  private final MatrixProducts matrices;
  private int rounds;
  private long bytesSent;
  private long bytesReceived;
  private int revealCount;
  private java.util.function.IntConsumer onRound = r -> {};

  /** @param fracBits the session's fixed-point fractional bits (what a TRUNC drops) */
  public PlanRunner(int me, List<String> parties, Plan plan, Transport net, DealerLink dealer,
      Function<String, StoredValue> store, int fracBits) {
    this.fracBits = fracBits;
    this.me = me;
    this.parties = parties;
    this.plan = plan;
    this.net = net;
    this.dealer = dealer;
    this.store = store;
    this.truncSchedule = TruncSchedule.of(plan.getTruncRunsList(), fracBits);
    this.matrices = new MatrixProducts(MatrixSchedule.of(plan.getMatShapesList()));
  }

  /** Told the rounds done so far after each step that communicates (on the running thread). */
  public PlanRunner onRound(java.util.function.IntConsumer listener) {
    this.onRound = listener;
    return this;
  }

  public Outcome run() {
    long t0 = System.nanoTime();
    smpc.proto.Op prev = null;
    for (int pc = 0; pc < plan.getInstrsCount(); pc++) {
      Instr in = plan.getInstrs(pc);
      Op op = Op.of(in);
      int steps = Costs.rounds(in, prev);
      rounds += steps;
      execute(pc, in, op);
      if (steps > 0) onRound.accept(rounds);
      prev = in.getOp();
    }
    for (Integer r : new ArrayList<>(pending.keySet())) reg(r); // every share sent to us is consumed
    if (storesAnywhere()) barrier();
    for (CompletableFuture<Void> s : sends) {
      try {
        s.join();
      } catch (java.util.concurrent.CompletionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    SessionStats stats = SessionStats.newBuilder()
        .setRounds(rounds).setBytesSent(bytesSent).setBytesReceived(bytesReceived)
        .setDealerBytes(dealer.bytesReceived()).addAllMaterial(Material.counts(taken))
        .setElapsedUs((System.nanoTime() - t0) / 1000).build();
    return new Outcome(stores, revealed, stats);
  }

  private boolean storesAnywhere() {
    return storesAnywhere(plan);
  }

  static boolean storesAnywhere(Plan plan) {
    return plan.getInstrsList().stream().anyMatch(i -> i.getOp() == smpc.proto.Op.STORE
        || (i.getOp() == smpc.proto.Op.REVEAL && !i.getName().isEmpty()));
  }

  /**
   * Before a session keeps anything, every party confirms it got this far, so that a party failing
   * late cannot leave values stored on some parties and not on others (or an owner's private value
   * replaced by a share that its peers never stored).
   */
  private void barrier() {
    rounds++;
    for (int j = 0; j < parties.size(); j++) if (j != me) sendTo(j, "commit", new byte[0]);
    for (int j = 0; j < parties.size(); j++) if (j != me) receiveFrom(j, "commit");
  }

  /** Instruction kinds, with the checks every party applies before touching anything. */
  private enum Op {
    LOAD, SHARE, CONST, ADD, SUB, NEG, MUL_PUBLIC, MUL, SUM, REVEAL, STORE, FREE, TRUNC, COMPARE, SLICE, CONCAT, NORM, LOOKUP,
    GATHER, MATMUL;

    static Op of(Instr in) {
      try {
        return valueOf(in.getOp().name());
      } catch (IllegalArgumentException e) {
        throw invalid("plan has an unknown instruction %s", in.getOp());
      }
    }
  }

  private void execute(int pc, Instr in, Op op) {
    switch (op) {
      case LOAD -> set(in, 0, load(in.getName()));
      case SHARE -> share(pc, in);
      case CONST -> {
        long[] c = constant(in);
        set(in, 0, me == 0 ? c : new long[c.length]);
      }
      case ADD -> set(in, 0, Ring.add(src(in, 0), src(in, 1)));
      case SUB -> set(in, 0, Ring.sub(src(in, 0), src(in, 1)));
      case NEG -> set(in, 0, Ring.neg(src(in, 0)));
      case MUL_PUBLIC -> set(in, 0, Ring.mul(src(in, 0), constant(in)));
      case SUM -> set(in, 0, new long[] {Ring.sum(src(in, 0))});
      case MUL -> multiply(pc, in);
      case TRUNC -> truncate(pc, in);
      case COMPARE -> compare(pc, in);
      case NORM -> {
        int bits = Costs.normBits(in);
        long[][] xs = sources(in);
        long[] x = flatten(xs);
        if ((long) x.length * (bits + 1) > Limits.MAX_LENGTH) {
          throw invalid("NORM of %d elements over %d bits exceeds %d", x.length, bits, Limits.MAX_LENGTH);
        }
        long[] z = Normalization.onehot(this, "" + pc, x, bits);
        int off = 0;
        for (int k = 0; k < xs.length; k++) {
          int len = xs[k].length * (bits + 1);
          set(in, k, java.util.Arrays.copyOfRange(z, off, off + len));
          off += len;
        }
      }
      case LOOKUP -> {
        long[] x = src(in, 0), table = constant(in);
        int m = table.length;
        if (x.length % m != 0) throw invalid("LOOKUP of a vector of %d with a table of %d", x.length, m);
        long[] z = new long[x.length / m];
        for (int t = 0; t < z.length; t++) {
          long acc = 0;
          for (int i = 0; i < m; i++) acc += x[t * m + i] * table[i];
          z[t] = acc;
        }
        set(in, 0, z);
      }
      case SLICE -> {
        long[] x = src(in, 0);
        if (in.getOffset() < 0 || in.getLength() < 1 || in.getOffset() + in.getLength() > x.length) {
          throw invalid("SLICE [%d, +%d) outside a vector of %d", in.getOffset(), in.getLength(), x.length);
        }
        set(in, 0, java.util.Arrays.copyOfRange(x, (int) in.getOffset(), (int) (in.getOffset() + in.getLength())));
      }
      case CONCAT -> {
        long total = 0;
        for (int k = 0; k < in.getSrcCount(); k++) total += src(in, k).length;
        if (total < 1 || total > Limits.MAX_LENGTH) throw invalid("CONCAT of %d elements", total);
        long[] z = new long[(int) total];
        int off = 0;
        for (int k = 0; k < in.getSrcCount(); k++) {
          long[] x = src(in, k);
          System.arraycopy(x, 0, z, off, x.length);
          off += x.length;
        }
        set(in, 0, z);
      }
      case GATHER -> {
        long[] x = src(in, 0), idx = constant(in);
        long[] z = new long[idx.length];
        for (int k = 0; k < z.length; k++) {
          if (idx[k] < 0 || idx[k] >= x.length) throw invalid("GATHER index %d outside a vector of %d", idx[k], x.length);
          z[k] = x[(int) idx[k]];
        }
        set(in, 0, z);
      }
      case MATMUL -> {
        long[][] operands = new long[in.getSrcCount()][];
        for (int k = 0; k < operands.length; k++) operands[k] = src(in, k);
        long[][] z = matrices.multiply(this, "mm/" + pc, constant(in), operands);
        if (in.getDstCount() != z.length) throw invalid("MATMUL needs one destination per product");
        for (int k = 0; k < z.length; k++) set(in, k, z[k]);
      }
      case REVEAL -> reveal(pc, in);
      case STORE -> stage(in);
      case FREE -> in.getSrcList().forEach(r -> { regs.remove(r); pending.remove(r); });
    }
  }

  private long[] load(String name) {
    StoredValue v = store.apply(name);
    if (v == null) throw notFound("value '%s' not found on %s", name, parties.get(me));
    if (v.info().getKind() != Kind.SHARED) {
      throw precondition("value '%s' on %s is private, not shared: share it first", name, parties.get(me));
    }
    if (!new HashSet<>(v.info().getPartiesList()).equals(new HashSet<>(parties))) {
      throw precondition("value '%s' is shared among %s but this session runs on %s; values shared among"
          + " different parties cannot be combined", name, v.info().getPartiesList(), parties);
    }
    return v.data();
  }

  /** The owner splits its private value: each other party gets a 16-byte PRG seed, the owner keeps x − Σ PRG(seed_j). */
  private void share(int pc, Instr in) {
    int owner = index(in.getParty());
    String tag = "s/" + pc;
    int dst = dst(in, 0);
    if (owner == me) {
      StoredValue v = store.apply(in.getName());
      if (v == null || v.info().getKind() != Kind.PRIVATE) {
        throw notFound("private value '%s' not found on %s", in.getName(), parties.get(me));
      }
      long[] mine = v.data().clone();
      for (int j = 0; j < parties.size(); j++) {
        if (j == me) continue;
        byte[] seed = Prg.freshSeed();
        Ring.subInPlace(mine, Streams.inputShare(seed, mine.length));
        byte[] msg = ByteBuffer.allocate(Prg.SEED_BYTES + 8).put(seed).putLong(mine.length).array();
        sendTo(j, tag, msg);
      }
      regs.put(dst, mine);
    } else {
      pending.put(dst, () -> {
        ByteBuffer msg = ByteBuffer.wrap(receiveFrom(owner, tag));
        if (msg.remaining() != Prg.SEED_BYTES + 8) throw invalid("malformed share message from %s", parties.get(owner));
        byte[] seed = new byte[Prg.SEED_BYTES];
        msg.get(seed);
        long len = msg.getLong();
        if (len < 0 || len > Limits.MAX_LENGTH) throw invalid("shared vector length %d out of range", len);
        if (in.getLength() > 0 && len != in.getLength()) { // the memory estimate counted the declared length
          throw invalid("%s shared '%s' with %d elements, not the %d the plan declares", parties.get(owner), in.getName(), len, in.getLength());
        }
        regs.put(dst, Streams.inputShare(seed, (int) len));
      });
    }
  }

  /** One Beaver round for every product of the instruction (scalars broadcast first). */
  private void multiply(int pc, Instr in) {
    int pairs = in.getDstCount();
    if (in.getSrcCount() != 2 * pairs || pairs == 0) throw invalid("MUL needs two sources per destination");
    long[][] xs = new long[pairs][], ys = new long[pairs][];
    for (int k = 0; k < pairs; k++) {
      int len = Ring.broadcastLength(src(in, 2 * k).length, src(in, 2 * k + 1).length);
      xs[k] = Ring.expand(src(in, 2 * k), len);
      ys[k] = Ring.expand(src(in, 2 * k + 1), len);
    }
    scatter(in, Beaver.multiply(this, "m/" + pc, flatten(xs), flatten(ys)), xs);
  }

  private void truncate(int pc, Instr in) {
    long[][] xs = sources(in);
    long[] x = flatten(xs);
    int bits = in.getScale();
    long next = taken.getOrDefault(Material.TRUNC_PAIR, 0L);
    if (x.length > 0 && (truncSchedule.bitsAt(next) != bits || truncSchedule.bitsAt(next + x.length - 1) != bits)) {
      throw invalid("TRUNC drops %d bits but the plan's truncation schedule says otherwise", bits);
    }
    scatter(in, Truncation.truncate(this, "t/" + pc, x, bits), xs);
  }

  private void compare(int pc, Instr in) {
    long[][] xs = sources(in);
    if (in.getModes().size() != xs.length) throw invalid("COMPARE needs one mode per source");
    long[] x = flatten(xs);
    boolean[] ltz = new boolean[x.length];
    int off = 0;
    for (int k = 0; k < xs.length; k++) {
      byte mode = in.getModes().byteAt(k);
      if (mode != 0 && mode != 1) throw invalid("COMPARE mode %d unknown", mode);
      java.util.Arrays.fill(ltz, off, off + xs[k].length, mode == 0);
      off += xs[k].length;
    }
    scatter(in, Comparison.compare(this, "" + pc, x, ltz), xs);
  }

  /** The sources of a one-destination-per-source instruction. */
  private long[][] sources(Instr in) {
    if (in.getSrcCount() != in.getDstCount() || in.getSrcCount() == 0) {
      throw invalid("%s needs one destination per source", in.getOp());
    }
    long[][] xs = new long[in.getSrcCount()][];
    for (int k = 0; k < xs.length; k++) xs[k] = src(in, k);
    return xs;
  }

  /** All vectors one after the other: a batch of operations is one vector operation, one message. */
  private static long[] flatten(long[][] xs) {
    if (xs.length == 1) return xs[0]; // registers are never changed in place
    long total = 0;
    for (long[] x : xs) total += x.length;
    if (total > Limits.MAX_LENGTH) throw invalid("one step of %d elements exceeds %d", total, Limits.MAX_LENGTH);
    long[] out = new long[(int) total];
    int off = 0;
    for (long[] x : xs) {
      System.arraycopy(x, 0, out, off, x.length);
      off += x.length;
    }
    return out;
  }

  /** Splits a batch result back into the instruction's destinations, shaped like {@code like}. */
  private void scatter(Instr in, long[] z, long[][] like) {
    if (like.length == 1 && z.length == like[0].length) {
      set(in, 0, z);
      return;
    }
    int off = 0;
    for (int k = 0; k < like.length; k++) {
      set(in, k, java.util.Arrays.copyOfRange(z, off, off + like[k].length));
      off += like[k].length;
    }
  }

  @Override
  public boolean designated() {
    return me == 0;
  }

  @Override
  public DealerLink dealer() {
    return dealer;
  }

  @Override
  public int fracBits() {
    return fracBits;
  }

  @Override
  public long take(Material kind, int n) {
    long start = taken.getOrDefault(kind, 0L);
    taken.put(kind, start + n);
    if (start + n > Limits.MAX_LENGTH) throw invalid("a session may use at most %d %s", Limits.MAX_LENGTH, kind.noun);
    return start;
  }

  /** Opens a vector: every party sends its share to every other and combines them (sum, or XOR). */
  @Override
  public long[] open(String tag, long[] mine, boolean xor) {
    return openPacked(tag, Packing.toBytes(mine), xor);
  }

  @Override
  public long[] openPacked(String tag, byte[] mine, boolean xor) {
    for (int j = 0; j < parties.size(); j++) if (j != me) sendTo(j, tag, mine);
    long[] out = Packing.fromBytes(mine);
    for (int j = 0; j < parties.size(); j++) {
      if (j != me) receiveInto(j, tag, out, xor, "opening");
    }
    return out;
  }

  /** acc += (or ^=) the vector {@code tag} from party j, which must have acc's length. */
  private void receiveInto(int j, String tag, long[] acc, boolean xor, String what) {
    long len = net.receiveInto(j, tag, acc, xor);
    if (len != acc.length) throw invalid("%s %s from %s has %d elements, expected %d", what, tag, parties.get(j), len, acc.length);
    bytesReceived += 8L * len;
  }

  /** Every party sends its share to the target only; the target reconstructs. */
  private void reveal(int pc, Instr in) {
    int target = index(in.getParty());
    long[] x = src(in, 0);
    String tag = "r/" + pc;
    int output = revealCount++;
    if (target != me) {
      sendTo(target, tag, Packing.toBytes(x));
      return;
    }
    long[] sum = x.clone();
    for (int j = 0; j < parties.size(); j++) {
      if (j != me) receiveInto(j, tag, sum, false, "reveal share");
    }
    Revealed.Builder r = Revealed.newBuilder().setOutput(output).setDtype(dtypeOf(in)).setScale(in.getScale()).setCols(StoredValue.columns(in, sum.length))
        .setData(com.google.protobuf.UnsafeByteOperations.unsafeWrap(Packing.toBytes(sum))); // a fresh array, never changed
    if (!in.getName().isEmpty()) {
      ValueInfo info = ValueInfo.newBuilder().setName(in.getName()).setKind(Kind.PRIVATE).setDtype(dtypeOf(in))
          .setLength(sum.length).setCols(r.getCols()).setOwner(parties.get(me)).setFracBits(in.getScale()).build();
      stores.add(new Store(new StoredValue(info, sum), false));
    }
    revealed.add(r.build());
  }

  private void stage(Instr in) {
    long[] x = src(in, 0);
    ValueInfo info = ValueInfo.newBuilder().setName(in.getName()).setKind(Kind.SHARED).setDtype(dtypeOf(in))
        .setLength(x.length).setCols(StoredValue.columns(in, x.length)).setOwner(in.getOwner()).addAllParties(parties)
        .setFracBits(dtypeOf(in) == DType.REAL ? fracBits : 0).build();
    stores.add(new Store(new StoredValue(info, x), in.getReplace()));
  }

  private static DType dtypeOf(Instr in) {
    return in.getDtype() == DType.DTYPE_UNSPECIFIED ? DType.INT : in.getDtype();
  }

  private void sendTo(int j, String tag, byte[] payload) {
    bytesSent += payload.length;
    sends.add(net.send(j, tag, payload));
  }

  private byte[] receiveFrom(int j, String tag) {
    byte[] b = net.receive(j, tag);
    bytesReceived += b.length;
    return b;
  }

  private int index(String party) {
    int i = parties.indexOf(party);
    if (i < 0) throw invalid("party '%s' is not in this session %s", party, parties);
    return i;
  }

  private long[] constant(Instr in) {
    ByteBuffer b = in.getConstant().asReadOnlyByteBuffer();
    if (b.remaining() == 0 || b.remaining() % 8 != 0) throw invalid("constant must be a non-empty packed int64 vector");
    return Packing.fromBytes(b);
  }

  private int dst(Instr in, int k) {
    if (in.getDstCount() <= k) throw invalid("%s lacks its destination register", in.getOp());
    int r = in.getDst(k);
    if (r < 0 || r >= Limits.MAX_REGISTERS) throw invalid("register %d out of range", r);
    return r;
  }

  private void set(Instr in, int k, long[] v) {
    int r = dst(in, k);
    pending.remove(r);
    regs.put(r, v);
  }

  private long[] src(Instr in, int k) {
    if (in.getSrcCount() <= k) throw invalid("%s lacks source operand %d", in.getOp(), k);
    return reg(in.getSrc(k));
  }

  private long[] reg(int r) {
    Runnable p = pending.remove(r);
    if (p != null) p.run();
    long[] v = regs.get(r);
    if (v == null) throw invalid("plan reads register %d before setting it", r);
    return v;
  }
}
