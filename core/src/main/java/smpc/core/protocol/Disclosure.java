package smpc.core.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/**
 * What a plan discloses, read off the plan alone: every output (a REVEAL to a party, possibly kept there under
 * a name; a STORE kept shared) with the inputs it depends on and their owners. Every party computes the same
 * from the agreed plan: an input's owners are the plan's declaration ({@link Instr#getProvenanceList()}),
 * which each holder of the input checks against its own record before the session runs. So the owner's party
 * can decide consent for its organisation's values (docs/security.md "Consent"), the audit log can name each
 * output's inputs, and a stored result inherits the union of its inputs' owners, so re-storing or re-sharing
 * never drops one.
 *
 * <p>Dependencies flow register by register: an instruction's results depend on everything its sources depend
 * on, except the batched ones (MUL: result k on sources 2k and 2k+1; TRUNC, COMPARE, NORM: result k on source
 * k), which the compiler fills with unrelated outputs' work; treating those as one would ask owners to consent
 * to outputs that do not depend on their values.
 */
public final class Disclosure {
  private Disclosure() {}

  /** A value the plan brings in: a stored shared value (LOAD, {@code party} empty) or a party's private value (SHARE). */
  public record Input(String name, String party, SortedSet<String> owners) {
    @Override
    public String toString() {
      if (party.isEmpty()) return "shared '" + name + "' of " + String.join(", ", owners);
      // a party's own input needs no "of alice"; a result kept at a party names whose inputs it came from
      return party + "'s '" + name + "'" + (owners.equals(java.util.Set.of(party)) ? "" : " (from the inputs of " + String.join(", ", owners) + ")");
    }
  }

  /**
   * An output: revealed to {@code party} (and kept there as {@code name} when one is given), or kept shared
   * as {@code name} ({@code party} empty). {@code instr} is its instruction's index in the plan.
   */
  public record Output(int instr, String party, String name, List<Input> inputs) {
    public boolean revealed() {
      return !party.isEmpty();
    }

    /** The organisations whose inputs it depends on (what a stored copy records as its provenance). */
    public SortedSet<String> owners() {
      SortedSet<String> out = new TreeSet<>();
      for (Input i : inputs) out.addAll(i.owners());
      return out;
    }

    @Override
    public String toString() {
      return (revealed() ? "revealed to " + party + (name.isEmpty() ? "" : " (kept as '" + name + "')") : "stored shared as '" + name + "'");
    }
  }

  /** The owners a LOAD or SHARE declares (a SHARE that declares none: its party's alone). */
  public static SortedSet<String> owners(Instr in) {
    SortedSet<String> out = new TreeSet<>(in.getProvenanceList());
    if (out.isEmpty() && in.getOp() == Op.SHARE) out.add(in.getParty());
    return Collections.unmodifiableSortedSet(out);
  }

  /**
   * The owners a stored value records. A private value that records none (made before provenance existed,
   * or kept from public constants only) is its owner's; a shared one that records none depends on nobody's
   * inputs (a result of public constants; docs/security.md says to re-share values older than provenance).
   */
  public static SortedSet<String> recorded(ValueInfo v) {
    SortedSet<String> out = new TreeSet<>(v.getProvenanceList());
    if (out.isEmpty() && v.getKind() == smpc.proto.Kind.PRIVATE && !v.getOwner().isEmpty()) out.add(v.getOwner());
    return Collections.unmodifiableSortedSet(out);
  }

  /** The plan's inputs in plan order. */
  public static List<Input> inputs(Plan plan) {
    List<Input> out = new ArrayList<>();
    for (Instr in : plan.getInstrsList()) {
      if (in.getOp() == Op.LOAD || in.getOp() == Op.SHARE) out.add(input(in));
    }
    return out;
  }

  /** The plan's outputs in plan order, each with the inputs it depends on (in plan order, once each). */
  public static List<Output> outputs(Plan plan) {
    Map<Integer, TreeSet<Integer>> deps = new HashMap<>(); // register -> indexes of the inputs it depends on
    List<Input> inputs = new ArrayList<>();
    List<Output> out = new ArrayList<>();
    for (int pc = 0; pc < plan.getInstrsCount(); pc++) {
      Instr in = plan.getInstrs(pc);
      switch (in.getOp()) {
        case LOAD, SHARE -> {
          inputs.add(input(in));
          deps.put(in.getDst(0), new TreeSet<>(List.of(inputs.size() - 1)));
        }
        case REVEAL -> out.add(new Output(pc, in.getParty(), in.getName(), resolve(of(deps, in, 0), inputs)));
        case STORE -> out.add(new Output(pc, "", in.getName(), resolve(of(deps, in, 0), inputs)));
        case FREE -> in.getSrcList().forEach(deps::remove);
        case MUL, MATMUL -> {
          for (int k = 0; k < in.getDstCount(); k++) {
            TreeSet<Integer> d = new TreeSet<>(of(deps, in, 2 * k));
            d.addAll(of(deps, in, 2 * k + 1));
            deps.put(in.getDst(k), d);
          }
        }
        case TRUNC, COMPARE, NORM -> {
          for (int k = 0; k < in.getDstCount(); k++) deps.put(in.getDst(k), new TreeSet<>(of(deps, in, k)));
        }
        default -> {
          TreeSet<Integer> d = new TreeSet<>();
          for (int k = 0; k < in.getSrcCount(); k++) d.addAll(of(deps, in, k));
          for (int r : in.getDstList()) deps.put(r, d);
        }
      }
    }
    return out;
  }

  private static Input input(Instr in) {
    return new Input(in.getName(), in.getOp() == Op.SHARE ? in.getParty() : "", owners(in));
  }

  private static TreeSet<Integer> of(Map<Integer, TreeSet<Integer>> deps, Instr in, int k) {
    return k < in.getSrcCount() ? deps.getOrDefault(in.getSrc(k), new TreeSet<>()) : new TreeSet<>();
  }

  private static List<Input> resolve(TreeSet<Integer> idx, List<Input> inputs) {
    List<Input> out = new ArrayList<>();
    for (int i : idx) out.add(inputs.get(i));
    return List.copyOf(out);
  }
}
