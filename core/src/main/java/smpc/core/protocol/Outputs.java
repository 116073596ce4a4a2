package smpc.core.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.Revealed;
import smpc.proto.ValueInfo;

/**
 * What a session keeps on one party, written a block at a time: each REVEAL to this party (packed as the
 * reply carries it, and as a value when the plan names it), this party's share of one that goes straight to its
 * caller ({@link RevealRoutes}), and each STORE (this party's share). Outputs
 * keep plan order whatever the blocks. In a streamed plan, when the party gives a sink and a writer, nothing
 * is held whole: each block of a reveal goes to the client as it is opened, and each block of a value to keep
 * is written to the party's store as it is made, so a 10^8-element result never sits whole on the party.
 * Without them (or in a plan that runs whole) outputs are whole vectors.
 */
public final class Outputs {
  private final List<String> parties;
  private final int me;
  private final int fracBits;
  /** The REVEAL and STORE instructions this party keeps something of, by program counter, in plan order. */
  private final Map<Integer, Slot> slots = new LinkedHashMap<>();
  private final Map<Integer, Integer> outputs = new LinkedHashMap<>(); // REVEAL's pc -> its output number
  private java.util.function.Consumer<Revealed> sink;
  private StoredValue.Writers writers;

  private static final class Slot {
    final Instr in;
    final long total;
    final boolean revealed; // a REVEAL to this party or its caller (else a STORE)
    byte[] packed; // a reveal's reply, when kept for the end
    long[] kept; // the value kept, when held whole
    StoredValue.Writer writer; // the value kept, when written a block at a time

    Slot(Instr in, long total, boolean revealed) {
      this.in = in;
      this.total = total;
      this.revealed = revealed;
    }
  }

  /** Names the plan would store on party {@code me}, with their replace flags, so they can be checked up front. */
  public static List<PlanRunner.Store> planned(Plan plan, String me) {
    List<PlanRunner.Store> out = new ArrayList<>();
    for (Instr in : plan.getInstrsList()) {
      boolean keep = in.getOp() == Op.STORE
          || (in.getOp() == Op.REVEAL && !in.getName().isEmpty() && in.getParty().equals(me));
      if (keep) {
        ValueInfo info = ValueInfo.newBuilder().setName(in.getName()).build();
        out.add(new PlanRunner.Store(new StoredValue(info, null), in.getReplace()));
      }
    }
    return out;
  }

  /** Whether the plan keeps anything on any party (a STORE, a named REVEAL): then its parties confirm before keeping it. */
  static boolean keptAnywhere(Plan plan) {
    return plan.getInstrsList().stream().anyMatch(i -> i.getOp() == Op.STORE
        || (i.getOp() == Op.REVEAL && !i.getName().isEmpty()));
  }

  Outputs(List<String> parties, int me, int fracBits) {
    this.parties = parties;
    this.me = me;
    this.fracBits = fracBits;
  }

  /** The number of the output a REVEAL makes (every party numbers every REVEAL, in plan order). */
  int output(int pc) {
    return outputs.computeIfAbsent(pc, k -> outputs.size());
  }

  /**
   * Where a streamed plan's reveals go, a block at a time, and what writes a value it keeps (null: outputs are
   * kept whole).
   */
  void stream(java.util.function.Consumer<Revealed> sink, StoredValue.Writers writers) {
    this.sink = sink;
    this.writers = writers;
  }

  /** Elements [from, from + x.length) of the revealed vector of {@code total} elements. */
  void revealed(int pc, Instr in, long total, long from, long[] x) {
    StoredValue.columns(in, total); // a shape that does not divide it fails before anything is kept
    boolean whole = from == 0 && x.length == total; // one block: x is a fresh array, never changed after
    Slot s = slots.computeIfAbsent(pc, k -> new Slot(in, total, true));
    if (sink != null && !whole) {
      sink.accept(header(in, output(pc), total).setLength(total).setOffset(from)
          .setData(com.google.protobuf.UnsafeByteOperations.unsafeWrap(Packing.toBytes(x))).build());
    } else {
      if (s.packed == null) s.packed = Packing.allocate(Math.toIntExact(total));
      Packing.put(s.packed, (int) from, x, x.length);
    }
    if (!in.getName().isEmpty()) keep(s, from, x, whole);
  }

  /** Elements [from, from + x.length) of this party's share of a value to store, of {@code total} elements. */
  void stored(int pc, Instr in, long total, long from, long[] x) {
    StoredValue.columns(in, total);
    keep(slots.computeIfAbsent(pc, k -> new Slot(in, total, false)), from, x, from == 0 && x.length == total);
  }

  /** Blocks of a value to keep come in order: written through when a writer is given, else gathered. */
  private void keep(Slot s, long from, long[] x, boolean whole) {
    if (whole) {
      s.kept = x; // one block: the register itself, never changed after
    } else if (writers != null) {
      if (s.writer == null) s.writer = writers.open(s.in.getName(), s.total);
      s.writer.write(x);
    } else {
      if (s.kept == null) s.kept = new long[(int) s.total];
      System.arraycopy(x, 0, s.kept, (int) from, x.length);
    }
  }

  List<Revealed> revealed() {
    List<Revealed> out = new ArrayList<>();
    for (Map.Entry<Integer, Slot> e : slots.entrySet()) {
      Slot s = e.getValue();
      if (s.packed == null) continue;
      out.add(header(s.in, output(e.getKey()), s.total)
          .setData(com.google.protobuf.UnsafeByteOperations.unsafeWrap(s.packed)).build()); // never changed after
    }
    return out;
  }

  private static Revealed.Builder header(Instr in, int output, long total) {
    return Revealed.newBuilder().setOutput(output).setDtype(dtypeOf(in)).setScale(in.getScale()).setCols(StoredValue.columns(in, total));
  }

  List<PlanRunner.Store> stores() {
    List<PlanRunner.Store> out = new ArrayList<>();
    for (Slot s : slots.values()) {
      if (s.kept == null && s.writer == null) continue;
      Instr in = s.in;
      ValueInfo.Builder info = ValueInfo.newBuilder().setName(in.getName()).setDtype(dtypeOf(in)).setLength(s.total)
          .setCols(StoredValue.columns(in, s.total));
      if (s.revealed) { // a named reveal: this party's plain value
        info.setKind(Kind.PRIVATE).setOwner(parties.get(me)).setFracBits(in.getScale());
      } else {
        info.setKind(Kind.SHARED).setOwner(in.getOwner()).addAllParties(parties).setFracBits(dtypeOf(in) == DType.REAL ? fracBits : 0);
      }
      StoredValue v = s.writer != null ? s.writer.finish(info.build()) : new StoredValue(info.build(), s.kept);
      out.add(new PlanRunner.Store(v, !s.revealed && in.getReplace()));
    }
    return out;
  }

  static DType dtypeOf(Instr in) {
    return in.getDtype() == DType.DTYPE_UNSPECIFIED ? DType.INT : in.getDtype();
  }
}
