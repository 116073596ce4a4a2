package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import smpc.core.ring.Packing;
import smpc.core.ring.Prg;
import smpc.core.ring.Ring;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.Revealed;
import smpc.proto.SessionStats;

/**
 * Runs one party's side of a plan. Every party runs the same plan in the same order, so their
 * dealer streams and message tags stay in lockstep without any coordination. Registers hold this
 * party's shares; they live only as long as the runner (the session). An elementwise plan over vectors
 * longer than a block runs once per block of elements ({@link Blocks}): registers then hold one block.
 */
public final class PlanRunner implements SessionView {
  /** What a successful run leaves: values to store (committed by the caller), revealed outputs, stats. */
  public record Outcome(List<Store> stores, List<Revealed> revealed, SessionStats stats) {}

  /** A value to keep when the session succeeds; {@code replace} allows replacing the owner's private value. */
  public record Store(StoredValue value, boolean replace) {}

  private final int me;
  private final List<String> parties;
  private final Plan plan;
  private final PeerMessages messages;
  private final DealerLink dealer;

  private final Registers regs = new Registers();
  private final Outputs outputs;
  private final int fracBits;
  /** How the plan runs in blocks; the streamed plan's vector length N, or 0 when it runs whole; then the block being run: [from, from + len). */
  private final Blocks.Layout layout;
  private final long streamed;
  private final int blockSize;
  private int block;
  private long from;
  private int len;
  /** Running a streamed plan's tail; the sums its blocks added up so far, by register. */
  private boolean inTail;
  private final Map<Integer, Long> sums = new HashMap<>();
  private final Inputs inputs;
  /** Each SHARE's seeds by step, sent or received once for all blocks. */
  private final Map<Integer, byte[][]> seedsSent = new HashMap<>();
  private final Map<Integer, Inputs.Share> seedsReceived = new HashMap<>();
  /** The seeds of the SHAREs that declare their length, exchanged with the plan agreement. */
  private InputSeeds early;
  /** Items of each kind of dealer material taken so far: the next one's position in its streams. */
  private final EnumMap<Material, Long> taken = new EnumMap<>(Material.class);
  private final TruncSchedule truncSchedule;
  private final MatrixProducts matrices;
  private int rounds;
  private java.util.function.IntConsumer onRound = r -> {};
  private RevealRoutes routes = RevealRoutes.VIA_RECIPIENT;

  /** @param fracBits the session's fixed-point fractional bits (what a TRUNC drops) */
  public PlanRunner(int me, List<String> parties, Plan plan, Transport net, DealerLink dealer,
      Function<String, StoredValue> store, int fracBits) {
    this(me, parties, plan, net, dealer, store, fracBits, Blocks.DEFAULT);
  }

  /** @param blockSize elements per block of a streamed plan, a multiple of 64 (every party must use the same) */
  public PlanRunner(int me, List<String> parties, Plan plan, Transport net, DealerLink dealer,
      Function<String, StoredValue> store, int fracBits, int blockSize) {
    this.blockSize = Blocks.check(blockSize);
    this.layout = Blocks.layout(plan, blockSize);
    this.streamed = layout.length();
    this.outputs = new Outputs(parties, me, fracBits);
    this.inputs = new Inputs(me, parties, store);
    this.fracBits = fracBits;
    this.me = me;
    this.parties = parties;
    this.plan = plan;
    this.messages = new PeerMessages(net, parties);
    this.dealer = dealer;
    this.truncSchedule = TruncSchedule.of(plan.getTruncRunsList(), fracBits);
    this.matrices = new MatrixProducts(MatrixSchedule.of(plan.getMatShapesList()));
  }

  /**
   * Sends a streamed plan's reveals to this party a block at a time, as they are opened (on the running thread,
   * which the sink may hold back), instead of keeping them for {@link Outcome#revealed()}, and writes each value
   * it keeps (a STORE, a named REVEAL) a block at a time through a writer made for it.
   */
  public PlanRunner stream(java.util.function.Consumer<Revealed> sink, StoredValue.Writers writers) {
    outputs.stream(sink, writers);
    return this;
  }

  /** The input seeds this party drew and received with the plan agreement: needed by every SHARE that declares its length. */
  public PlanRunner inputSeeds(InputSeeds seeds) {
    this.early = seeds;
    return this;
  }

  /** Where each party's share of an unnamed reveal goes (every party must be given the same routes). */
  public PlanRunner revealRoutes(RevealRoutes routes) {
    this.routes = routes;
    return this;
  }

  /** Told the rounds done so far after each step that communicates (on the running thread). */
  public PlanRunner onRound(java.util.function.IntConsumer listener) {
    this.onRound = listener;
    return this;
  }

  public Outcome run() {
    long t0 = System.nanoTime();
    long blocks = layout.blocks();
    int tail = layout.tail();
    for (block = 0; block < blocks; block++) {
      from = (long) block * blockSize;
      len = (int) Math.min(blockSize, streamed - from); // unused when the plan runs whole
      steps(0, tail);
      regs.drainAndClear();
    }
    if (tail < plan.getInstrsCount()) { // a streamed plan's tail, once, on the finished sums (Blocks.Layout)
      inTail = true;
      from = 0; // block stays past the last one: the tail's message tags are its own
      sums.forEach((r, sum) -> regs.put(r, new long[] {sum}));
      steps(tail, plan.getInstrsCount());
      regs.drainAndClear();
    }
    if (Outputs.keptAnywhere(plan)) barrier();
    messages.awaitSends();
    SessionStats stats = SessionStats.newBuilder()
        .setRounds(rounds).setBytesSent(messages.bytesSent()).setBytesReceived(messages.bytesReceived())
        .setDealerBytes(dealer.bytesReceived()).addAllMaterial(Material.counts(taken))
        .setElapsedUs((System.nanoTime() - t0) / 1000).build();
    return new Outcome(outputs.stores(), outputs.revealed(), stats);
  }

  /** Runs instructions [first, end) on the current block. */
  private void steps(int first, int end) {
    Instr prev = null;
    for (int pc = first; pc < end; pc++) {
      Instr in = plan.getInstrs(pc);
      int steps = block == 0 || in.getOp() != Op.SHARE ? Costs.rounds(in, prev) : 0; // a seed travels once (Blocks.rounds)
      rounds += steps;
      execute(pc, in);
      if (steps > 0) onRound.accept(rounds);
      prev = in;
    }
  }

  /**
   * Before a session keeps anything, every party confirms it got this far, so that a party failing
   * late cannot leave values stored on some parties and not on others (or an owner's private value
   * replaced by a share that its peers never stored).
   */
  private void barrier() {
    rounds++;
    for (int j = 0; j < parties.size(); j++) if (j != me) messages.send(j, "commit", new byte[0]);
    for (int j = 0; j < parties.size(); j++) if (j != me) messages.receive(j, "commit");
  }

  /** One instruction; one of a kind this party does not know fails the session before it touches anything. */
  private void execute(int pc, Instr in) {
    switch (in.getOp()) {
      case LOAD -> set(in, 0, slice(in, inputs.shared(in.getName())));
      case SHARE -> share(pc, in);
      case CONST -> {
        long[] c = constant(in);
        set(in, 0, me == 0 ? c : new long[c.length]);
      }
      case ADD -> set(in, 0, Ring.add(src(in, 0), src(in, 1)));
      case SUB -> set(in, 0, Ring.sub(src(in, 0), src(in, 1)));
      case NEG -> set(in, 0, Ring.neg(src(in, 0)));
      case MUL_PUBLIC -> set(in, 0, Ring.mul(src(in, 0), constant(in)));
      case SUM -> sum(in);
      case MUL -> multiply(pc, in);
      case TRUNC -> truncate(pc, in);
      case COMPARE -> compare(pc, in);
      case NORM -> {
        long[][] z = Normalization.onehots(this, "" + pc, sources(in), Costs.normBits(in));
        for (int k = 0; k < z.length; k++) set(in, k, z[k]);
      }
      case LOOKUP -> set(in, 0, Rearranging.lookup(src(in, 0), constant(in)));
      case SLICE -> set(in, 0, Rearranging.slice(src(in, 0), in.getOffset(), in.getLength()));
      case CONCAT -> {
        long[][] xs = new long[in.getSrcCount()][];
        for (int k = 0; k < xs.length; k++) xs[k] = src(in, k);
        set(in, 0, Rearranging.concat(xs));
      }
      case GATHER -> set(in, 0, in.getModes().isEmpty() ? Rearranging.gather(src(in, 0), constant(in))
          : Rearranging.gather(src(in, 0), in.getModes().byteAt(0), patternCount(in)));
      case MATMUL -> {
        long[][] operands = new long[in.getSrcCount()][];
        for (int k = 0; k < operands.length; k++) operands[k] = src(in, k);
        long[][] z = matrices.multiply(this, "mm/" + pc, constant(in), operands);
        if (in.getDstCount() != z.length) throw invalid("MATMUL needs one destination per product");
        for (int k = 0; k < z.length; k++) set(in, k, z[k]);
      }
      case REVEAL -> reveal(pc, in);
      case STORE -> stage(pc, in);
      case FREE -> regs.free(in);
      default -> throw invalid("plan has an unknown instruction %s", in.getOp());
    }
  }

  /**
   * The owner splits its private value: each other party gets a 16-byte PRG seed, the owner keeps x − Σ PRG(seed_j).
   * A streamed plan sends the seeds with its first block; every block expands its own stretch of them.
   */
  private void share(int pc, Instr in) {
    int owner = index(in.getParty());
    String tag = "s/" + pc;
    int dst = Registers.dst(in, 0);
    if (owner == me) {
      StoredValue x = inputs.own(in.getName());
      byte[][] sent = seedsSent.computeIfAbsent(pc, k -> {
        if (InputSeeds.early(in)) { // sent with the agreement, for the length the plan declares
          if (x.length() != in.getLength()) {
            throw invalid("value '%s' on %s has %d elements, not the %d the plan declares", in.getName(), parties.get(me), x.length(), in.getLength());
          }
          return early().drawn(pc);
        }
        byte[][] fresh = new byte[parties.size()][];
        for (int j = 0; j < parties.size(); j++) {
          if (j == me) continue;
          fresh[j] = Prg.freshSeed();
          messages.send(j, tag, Inputs.shareMessage(fresh[j], x.length()));
        }
        return fresh;
      });
      long[] mine = streamed == 0 ? x.data().clone() : slice(in, x);
      for (int j = 0; j < parties.size(); j++) if (j != me) Ring.subInPlace(mine, Streams.inputShare(sent[j], from, mine.length));
      regs.put(dst, mine);
    } else {
      long start = from;
      regs.defer(dst, () -> {
        Inputs.Share got = seedsReceived.computeIfAbsent(pc, k -> InputSeeds.early(in) ? early().received(pc, in)
            : Inputs.parseShareMessage(messages.receive(owner, tag), parties.get(owner), in));
        regs.put(dst, Streams.inputShare(got.seed(), start, streamed == 0 ? (int) got.length() : len));
      });
    }
  }

  private InputSeeds early() {
    if (early == null) throw invalid("plan shares a value of declared length, and no input seeds came with the agreement");
    return early;
  }

  /**
   * A sum of a vector's elements; before a streamed plan's tail, this block's part, added to the earlier blocks'
   * (mod 2^64, as the ring adds) and set for the tail once the last block is done.
   */
  private void sum(Instr in) {
    long s = Ring.sum(src(in, 0));
    if (streamed == 0 || inTail) set(in, 0, new long[] {s});
    else sums.merge(Registers.dst(in, 0), s, Long::sum);
  }

  /** One Beaver round for every product of the instruction (scalars broadcast first). */
  private void multiply(int pc, Instr in) {
    int pairs = in.getDstCount();
    if (in.getSrcCount() != 2 * pairs || pairs == 0) throw invalid("MUL needs two sources per destination");
    long[][] xs = new long[pairs][], ys = new long[pairs][];
    boolean[] square = new boolean[pairs]; // a register times itself: a square pair, one opened word
    for (int k = 0; k < pairs; k++) {
      int len = Ring.broadcastLength(src(in, 2 * k).length, src(in, 2 * k + 1).length);
      xs[k] = Ring.expand(src(in, 2 * k), len);
      ys[k] = Ring.expand(src(in, 2 * k + 1), len);
      square[k] = Beaver.isSquare(in, k);
    }
    long[][] z = Beaver.multiply(this, tag("m/", pc), xs, ys, square);
    for (int k = 0; k < pairs; k++) set(in, k, z[k]);
  }

  private void truncate(int pc, Instr in) {
    long[][] xs = sources(in);
    long[] x = Beaver.flatten(xs);
    int bits = in.getScale();
    long next = taken.getOrDefault(Material.TRUNC_PAIR, 0L);
    if (!truncSchedule.drops(next, x.length, bits)) {
      throw invalid("TRUNC drops %d bits but the plan's truncation schedule says otherwise", bits);
    }
    scatter(in, Truncation.truncate(this, tag("t/", pc), x, bits), xs);
  }

  private void compare(int pc, Instr in) {
    long[][] xs = sources(in);
    if (in.getModes().size() != xs.length) throw invalid("COMPARE needs one mode per source");
    long[] x = Beaver.flatten(xs);
    boolean[] ltz = new boolean[x.length];
    int off = 0;
    for (int k = 0; k < xs.length; k++) {
      byte mode = in.getModes().byteAt(k);
      if (mode != 0 && mode != 1) throw invalid("COMPARE mode %d unknown", mode);
      java.util.Arrays.fill(ltz, off, off + xs[k].length, mode == 0);
      off += xs[k].length;
    }
    scatter(in, Comparison.compare(this, tag("", pc), x, ltz), xs);
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

  /** Splits a batch result back into the instruction's destinations, shaped like {@code like}. */
  private void scatter(Instr in, long[] z, long[][] like) {
    long[][] parts = Beaver.split(like, new boolean[like.length], z, null);
    for (int k = 0; k < parts.length; k++) set(in, k, parts[k]);
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
    if (start + n > Limits.MAX_VECTOR) throw invalid("a session may use at most %d %s", Limits.MAX_VECTOR, kind.noun);
    return start;
  }

  /** Opens a vector: every party sends its share to every other and combines them (sum, or XOR). */
  @Override
  public long[] open(String tag, long[] mine, boolean xor) {
    return openPacked(tag, Packing.toBytes(mine), xor);
  }

  @Override
  public long[] openPacked(String tag, byte[] mine, boolean xor) {
    for (int j = 0; j < parties.size(); j++) if (j != me) messages.send(j, tag, mine);
    long[] out = Packing.fromBytes(mine);
    for (int j = 0; j < parties.size(); j++) {
      if (j != me) messages.receiveInto(j, tag, out, xor, "opening");
    }
    return out;
  }

  /**
   * Every party sends its share to the target, which adds them up, or (its route says so, and the result is not kept
   * at the target) hands it to its own caller, which adds up every party's part: {@link RevealRoutes}.
   */
  private void reveal(int pc, Instr in) {
    int target = index(in.getParty());
    boolean kept = !in.getName().isEmpty();
    long[] x = src(in, 0);
    outputs.output(pc);
    if (target != me && !kept && routes.toCaller(me, in.getParty())) {
      outputs.revealed(pc, in, total(x), from, x); // this party's share, for its caller
    } else if (target != me) {
      messages.send(target, tag("r/", pc), Packing.toBytes(x));
    } else {
      long[] sum = x.clone();
      for (int j = 0; j < parties.size(); j++) {
        if (j != me && (kept || !routes.toCaller(j, in.getParty()))) messages.receiveInto(j, tag("r/", pc), sum, false, "reveal share");
      }
      outputs.revealed(pc, in, total(sum), from, sum);
    }
  }

  private void stage(int pc, Instr in) {
    long[] x = src(in, 0);
    outputs.stored(pc, in, total(x), from, x);
  }

  /** The length of the vector {@code x} is (a block of, before a streamed plan's tail). */
  private long total(long[] x) {
    return streamed == 0 || inTail ? x.length : streamed;
  }

  /** A message tag: the step's, and in a streamed plan's later blocks the block's number too. */
  private String tag(String kind, int pc) {
    return block == 0 ? kind + pc : kind + pc + "." + block;
  }

  /** A stored value whole when the plan runs whole, else the running block of it (read from the store a block at a time). */
  private long[] slice(Instr in, StoredValue v) {
    if (streamed == 0) return v.data();
    if (v.length() != streamed) throw invalid("'%s' has %d elements, not the %d the plan declares", in.getName(), v.length(), streamed);
    return v.read(from, len);
  }

  private int index(String party) {
    int i = parties.indexOf(party);
    if (i < 0) throw invalid("party '%s' is not in this session %s", party, parties);
    return i;
  }

  /** A patterned GATHER's count: one mode byte and one int64. */
  static long patternCount(Instr in) {
    if (in.getModes().size() != 1 || in.getConstant().size() != 8) throw invalid("a patterned GATHER has one mode byte and one count");
    return Packing.fromBytes(in.getConstant().asReadOnlyByteBuffer())[0];
  }

  /** The instruction's public vector; in a streamed plan, a vector constant's elements of this block. */
  private long[] constant(Instr in) {
    com.google.protobuf.ByteString c = in.getConstant();
    if (streamed != 0 && c.size() == 8 * streamed) c = c.substring((int) (8 * from), (int) (8 * (from + len)));
    ByteBuffer b = c.asReadOnlyByteBuffer();
    if (b.remaining() == 0 || b.remaining() % 8 != 0) throw invalid("constant must be a non-empty packed int64 vector");
    return Packing.fromBytes(b);
  }

  private void set(Instr in, int k, long[] v) {
    regs.set(in, k, v);
  }

  private long[] src(Instr in, int k) {
    return regs.src(in, k);
  }
}
