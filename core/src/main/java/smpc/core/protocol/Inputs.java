package smpc.core.protocol;

import static smpc.core.Errors.invalid;
import static smpc.core.Errors.notFound;
import static smpc.core.Errors.precondition;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import smpc.core.ring.Prg;
import smpc.proto.Instr;
import smpc.proto.Kind;

/**
 * The stored values a session reads on one party (a LOAD's share, an owner's private value to SHARE),
 * checked before use, and the message a SHARE sends: the seed of the holder's share and the vector's length.
 * Each value is looked up and checked once per session; a streamed plan then reads one block of it at a time.
 */
final class Inputs {
  private final int me;
  private final List<String> parties;
  private final Function<String, StoredValue> store;
  private final Map<String, StoredValue> shared = new HashMap<>();
  private final Map<String, StoredValue> own = new HashMap<>();

  Inputs(int me, List<String> parties, Function<String, StoredValue> store) {
    this.me = me;
    this.parties = parties;
    this.store = store;
  }

  /** This party's share of a shared value among exactly this session's parties. */
  StoredValue shared(String name) {
    return shared.computeIfAbsent(name, this::readShared);
  }

  /** This party's own private value. */
  StoredValue own(String name) {
    return own.computeIfAbsent(name, this::readOwn);
  }

  private StoredValue readShared(String name) {
    StoredValue v = store.apply(name);
    if (v == null) throw notFound("value '%s' not found on %s", name, parties.get(me));
    if (v.info().getKind() != Kind.SHARED) {
      throw precondition("value '%s' on %s is private, not shared: share it first", name, parties.get(me));
    }
    if (!new HashSet<>(v.info().getPartiesList()).equals(new HashSet<>(parties))) {
      throw precondition("value '%s' is shared among %s but this session runs on %s; values shared among"
          + " different parties cannot be combined", name, v.info().getPartiesList(), parties);
    }
    return v;
  }

  private StoredValue readOwn(String name) {
    StoredValue v = store.apply(name);
    if (v == null || v.info().getKind() != Kind.PRIVATE) throw notFound("private value '%s' not found on %s", name, parties.get(me));
    return v;
  }

  /** What a holder learns from a SHARE: the seed of its share and the vector's length. */
  record Share(byte[] seed, long length) {}

  static byte[] shareMessage(byte[] seed, long length) {
    return ByteBuffer.allocate(Prg.SEED_BYTES + 8).put(seed).putLong(length).array();
  }

  /** A SHARE message from {@code owner}, checked against the plan. */
  static Share parseShareMessage(byte[] message, String owner, Instr in) {
    ByteBuffer msg = ByteBuffer.wrap(message);
    if (msg.remaining() != Prg.SEED_BYTES + 8) throw invalid("malformed share message from %s", owner);
    byte[] seed = new byte[Prg.SEED_BYTES];
    msg.get(seed);
    long n = msg.getLong();
    if (n < 0 || n > Limits.MAX_VECTOR) throw invalid("shared vector length %d out of range", n);
    if (in.getLength() > 0 && n != in.getLength()) { // the memory estimate counted the declared length
      throw invalid("%s shared '%s' with %d elements, not the %d the plan declares", owner, in.getName(), n, in.getLength());
    }
    return new Share(seed, n);
  }
}
