package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import smpc.core.ring.Prg;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;

/**
 * The seeds of a session's input sharings, sent with the plan agreement's messages instead of a round of their
 * own. A SHARE gives each holder a 16-byte seed of its share (the owner keeps x − Σ PRG(seed_j)); the seeds are
 * random and independent of x, so they can leave before anything is agreed or checked, and a holder takes them
 * from the agreement message of the owner. That saves the round (and a message per holder) the sharing took after
 * the agreement: W1 had four (agreement, sharing, Beaver opening, reveal), it has three.
 *
 * <p>Only a SHARE whose length the plan declares travels this way (the holder needs the length, which its seed
 * does not say; the owner checks its value has it); others keep their own message ({@link PlanRunner}).
 */
public final class InputSeeds {
  private final int me;
  private final List<String> parties;
  private final Plan plan;
  /** The owner's seeds of each of its early steps, by step: one per party, null at the owner. */
  private final Map<Integer, byte[][]> drawn = new HashMap<>();
  /** This party's early steps, in plan order. */
  private List<Integer> mine = List.of();
  /** The seeds other owners sent, by step. */
  private final Map<Integer, Inputs.Share> received = new HashMap<>();

  private InputSeeds(int me, List<String> parties, Plan plan) {
    this.me = me;
    this.parties = parties;
    this.plan = plan;
  }

  /** Draws this party's seeds of every early SHARE it owns. */
  public static InputSeeds draw(Plan plan, int me, List<String> parties) {
    InputSeeds s = new InputSeeds(me, parties, plan);
    s.mine = early(plan, parties.get(me));
    for (int pc : s.mine) {
      byte[][] seeds = new byte[parties.size()][];
      for (int j = 0; j < seeds.length; j++) if (j != me) seeds[j] = Prg.freshSeed();
      s.drawn.put(pc, seeds);
    }
    return s;
  }

  /** A SHARE whose seeds travel with the agreement: one that declares its length. */
  static boolean early(Instr in) {
    return in.getOp() == Op.SHARE && in.getLength() > 0;
  }

  /** The SHARE steps of {@code owner} whose seeds travel early, in plan order. */
  static List<Integer> early(Plan plan, String owner) {
    List<Integer> out = new ArrayList<>();
    for (int pc = 0; pc < plan.getInstrsCount(); pc++) {
      Instr in = plan.getInstrs(pc);
      if (early(in) && in.getParty().equals(owner)) out.add(pc);
    }
    return out;
  }

  /** What this party sends party {@code j}: its seed of each of its early steps, in plan order. */
  public byte[] forPeer(int j) {
    List<Integer> steps = mine;
    byte[] out = new byte[steps.size() * Prg.SEED_BYTES];
    for (int k = 0; k < steps.size(); k++) System.arraycopy(drawn.get(steps.get(k))[j], 0, out, k * Prg.SEED_BYTES, Prg.SEED_BYTES);
    return out;
  }

  /** Files what party {@code j} sent (after the agreement found its plan the same as this party's). */
  public void receive(int j, byte[] message) {
    List<Integer> steps = early(plan, parties.get(j));
    if (message.length != steps.size() * Prg.SEED_BYTES) {
      throw invalid("malformed input seeds from %s: %d bytes for %d sharings", parties.get(j), message.length, steps.size());
    }
    for (int k = 0; k < steps.size(); k++) {
      byte[] seed = java.util.Arrays.copyOfRange(message, k * Prg.SEED_BYTES, (k + 1) * Prg.SEED_BYTES);
      received.put(steps.get(k), new Inputs.Share(seed, plan.getInstrs(steps.get(k)).getLength()));
    }
  }

  /** The owner's seeds of an early step {@code pc}. */
  byte[][] drawn(int pc) {
    return drawn.get(pc);
  }

  /** A holder's seed of an early step {@code pc}; refused when it did not come. */
  Inputs.Share received(int pc, Instr in) {
    Inputs.Share got = received.get(pc);
    if (got == null) throw invalid("no input seeds from %s for step %d", in.getParty(), pc);
    return got;
  }
}
