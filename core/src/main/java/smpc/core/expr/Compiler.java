package smpc.core.expr;

import static smpc.core.Errors.invalid;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import smpc.proto.Plan;
import smpc.proto.ValueInfo;

/**
 * Compiles expressions into a plan with the fewest rounds: every multiplication (and every
 * truncation) whose inputs are ready joins one round, public constants fold, and a value used twice
 * is computed once. Reals are fixed point with f fractional bits; each value has a scale of 0
 * (integer), f or 2f bits. A product of two reals stays at scale 2f until it must shrink (before
 * another product, or to be stored), so a dot product or a revealed product costs no truncation at
 * all, or one for the whole sum.
 *
 * <p>In parts: {@link Lowering} turns expressions into {@link Node}s with the {@link Builder} (and the
 * function libraries it serves, reached through {@link Builtin}); the {@link Emitter} schedules the nodes
 * into rounds, allocates registers and counts the dealer material.
 */
public final class Compiler {
  private Compiler() {}

  /**
   * One result: revealed to {@code revealTo} (who also keeps it as its private value {@code keepAs}
   * when that is set), kept shared under {@code storeAs}, or both; or, with {@code letAs}, a name that the
   * later outputs' expressions may use for this one (a step of an iteration), which is neither revealed
   * nor kept.
   */
  public record Output(Expr expr, String revealTo, String keepAs, String storeAs, String letAs) {
    public Output(Expr expr, String revealTo, String keepAs, String storeAs) {
      this(expr, revealTo, keepAs, storeAs, null);
    }

    public static Output let(String name, Expr expr) {
      return new Output(expr, null, null, null, name);
    }

    public static Output reveal(Expr expr, String party) {
      return new Output(expr, party, null, null);
    }

    public static Output store(Expr expr, String name) {
      return new Output(expr, null, null, name);
    }
  }

  /** The plan, its rounds, and each output's length and scale (fractional bits; 0 for integers). */
  public record Compiled(Plan plan, int rounds, List<Integer> outputLengths, List<Integer> outputScales) {}

  /** Integers only (no fixed-point reals): the default 16 fractional bits are never used. */
  public static Compiled compile(List<Output> outputs, List<String> parties, Function<String, ValueInfo> catalog) {
    return compile(outputs, parties, catalog, 16);
  }

  /**
   * @param parties the computing parties, in session order
   * @param catalog a value's metadata by name (SHARED with its parties, or PRIVATE with its owner), or null
   * @param fracBits the cluster's fixed-point fractional bits
   */
  public static Compiled compile(List<Output> outputs, List<String> parties, Function<String, ValueInfo> catalog,
      int fracBits) {
    return compile(outputs, parties, catalog, fracBits, Numerics.DEFAULT);
  }

  /** As above, with the numeric settings of division and the nonlinear functions. */
  public static Compiled compile(List<Output> outputs, List<String> parties, Function<String, ValueInfo> catalog,
      int fracBits, Numerics numerics) {
    if (parties.size() < 2) throw invalid("a computation needs at least 2 parties, got %s", parties);
    if (new HashSet<>(parties).size() != parties.size()) throw invalid("a party is listed twice in %s", parties);
    if (fracBits < 1 || fracBits > 30) throw invalid("fractional bits must be in [1, 30], got %d", fracBits);
    Builder b = new Builder(fracBits, numerics.exactRounding());
    Lowering lowering = new Lowering(b, parties, catalog, numerics);
    List<Node> roots = new ArrayList<>();
    List<Integer> cols = new ArrayList<>();
    for (Output o : outputs) {
      if (o.revealTo() != null && !parties.contains(o.revealTo())) {
        throw invalid("cannot reveal to '%s': not one of the computing parties %s", o.revealTo(), parties);
      }
      Node root = lowering.node(o.expr());
      cols.add(lowering.cols(root)); // a matrix keeps its shape in what is stored or revealed
      // what is kept (shared or as a private value) is at scale 0 or f, like every stored value
      if (o.storeAs() != null || o.keepAs() != null) root = b.shrink(root);
      roots.add(root);
      if (o.letAs() != null) lowering.let(o.letAs(), root);
    }
    return Emitter.emit(b.nodes(), outputs, roots, cols);
  }
}
