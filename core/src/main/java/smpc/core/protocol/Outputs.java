package smpc.core.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Revealed;
import smpc.proto.ValueInfo;

/**
 * What a session keeps on one party, written a block at a time: each REVEAL to this party (packed as the
 * reply carries it, and as a value when the plan names it) and each STORE (this party's share). Outputs
 * keep plan order whatever the blocks; they are whole vectors, the one thing a streamed plan holds in full,
 * except a streamed plan's unnamed REVEALs when a sink takes them: each block goes to the client as it is
 * opened, so a reveal of 10^8 elements never sits whole on the party.
 */
final class Outputs {
  private final List<String> parties;
  private final int me;
  private final int fracBits;
  /** The REVEAL and STORE instructions this party keeps something of, by program counter, in plan order. */
  private final Map<Integer, Slot> slots = new LinkedHashMap<>();
  private final Map<Integer, Integer> outputs = new LinkedHashMap<>(); // REVEAL's pc -> its output number
  private java.util.function.Consumer<Revealed> sink;

  private static final class Slot {
    final Instr in;
    final int output;
    final byte[] packed; // a reveal's reply
    final long[] kept; // the value stored, or null

    Slot(Instr in, int output, byte[] packed, long[] kept) {
      this.in = in;
      this.output = output;
      this.packed = packed;
      this.kept = kept;
    }
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

  /** Where a streamed plan's unnamed reveals go, a block at a time (null: kept whole for {@link #revealed()}). */
  void sink(java.util.function.Consumer<Revealed> sink) {
    this.sink = sink;
  }

  /** Elements [from, from + x.length) of the revealed vector of {@code total} elements. */
  void revealed(int pc, Instr in, long total, long from, long[] x) {
    StoredValue.columns(in, total); // a shape that does not divide it fails before anything is kept
    boolean whole = from == 0 && x.length == total; // one block: x is a fresh array, never changed after
    if (sink != null && !whole && in.getName().isEmpty()) {
      sink.accept(header(in, output(pc), total).setLength(total).setOffset(from)
          .setData(com.google.protobuf.UnsafeByteOperations.unsafeWrap(Packing.toBytes(x))).build());
      return;
    }
    Slot s = slots.computeIfAbsent(pc, k -> new Slot(in, output(pc), Packing.allocate(Math.toIntExact(total)),
        in.getName().isEmpty() ? null : whole ? x : new long[(int) total]));
    Packing.put(s.packed, (int) from, x, x.length);
    if (s.kept != null && s.kept != x) System.arraycopy(x, 0, s.kept, (int) from, x.length);
  }

  /** Elements [from, from + x.length) of this party's share of a value to store, of {@code total} elements. */
  void stored(int pc, Instr in, long total, long from, long[] x) {
    StoredValue.columns(in, total);
    if (from == 0 && x.length == total) { // one block: the register itself, never changed after
      slots.put(pc, new Slot(in, -1, null, x));
      return;
    }
    Slot s = slots.computeIfAbsent(pc, k -> new Slot(in, -1, null, new long[(int) total]));
    System.arraycopy(x, 0, s.kept, (int) from, x.length);
  }

  List<Revealed> revealed() {
    List<Revealed> out = new ArrayList<>();
    for (Slot s : slots.values()) {
      if (s.packed == null) continue;
      out.add(header(s.in, s.output, s.packed.length / 8)
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
      if (s.kept == null) continue;
      Instr in = s.in;
      ValueInfo.Builder info = ValueInfo.newBuilder().setName(in.getName()).setDtype(dtypeOf(in)).setLength(s.kept.length)
          .setCols(StoredValue.columns(in, s.kept.length));
      if (s.packed != null) { // a named reveal: this party's plain value
        info.setKind(Kind.PRIVATE).setOwner(parties.get(me)).setFracBits(in.getScale());
      } else {
        info.setKind(Kind.SHARED).setOwner(in.getOwner()).addAllParties(parties).setFracBits(dtypeOf(in) == DType.REAL ? fracBits : 0);
      }
      out.add(new PlanRunner.Store(new StoredValue(info.build(), s.kept), s.packed == null && in.getReplace()));
    }
    return out;
  }

  static DType dtypeOf(Instr in) {
    return in.getDtype() == DType.DTYPE_UNSPECIFIED ? DType.INT : in.getDtype();
  }
}
