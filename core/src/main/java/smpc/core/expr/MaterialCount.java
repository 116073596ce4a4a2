package smpc.core.expr;

import static smpc.core.Errors.invalid;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.stream.Collectors;
import smpc.core.protocol.Costs;
import smpc.core.protocol.Limits;
import smpc.core.protocol.Material;
import smpc.proto.MatShape;
import smpc.proto.Plan;

/**
 * The dealer material a plan needs, counted as the {@link Emitter} schedules its nodes, so the dealer can
 * prepare it all up front; and the cap on what one session may take.
 */
final class MaterialCount {
  private final EnumMap<Material, Long> counts = new EnumMap<>(Material.class);
  private long compared; // elements of the current round's COMPARE instruction
  private final List<MatShape> shapes = new ArrayList<>(); // matrix triples, in the order the plan takes them

  private void add(Material kind, long n) {
    counts.merge(kind, n, Long::sum);
  }

  /** A Beaver triple per element, or a square pair when it multiplies a value by itself (PlanRunner's test: one register). */
  void mul(Node.Mul n) {
    add(n.x() == n.y() ? Material.SQUARE : Material.TRIPLE, n.len());
  }

  /** A matrix triple of the product's shape (and mask, when it shares one): as many items as elements of the product. */
  void matmul(Node.MatMul n, MatShape shape) {
    add(Material.MATRIX_TRIPLE, n.len());
    shapes.add(shape);
  }

  /** A truncation pair per element. */
  void trunc(Node.Trunc n) {
    add(Material.TRUNC_PAIR, n.len());
  }

  /** A comparison's material per element; the AND pairs come per instruction, at {@link #endRound}. */
  void compare(Node n) {
    add(Material.COMPARE, n.len());
    compared += n.len();
  }

  /** Per element of the input: a comparison's edaBit, the prefix OR's AND triples, the borrows' AND pairs; a daBit per output bit. */
  void norm(Node.Norm n) {
    long in = n.x().len();
    add(Material.COMPARE, in);
    add(Material.AND_TRIPLE, in * Costs.andsPerNorm(n.bits()));
    add(Material.AND_PAIR, in * Costs.AND_PAIRS_PER_NORM);
    add(Material.DABIT, n.len());
  }

  /** The round's comparisons are one instruction, whose AND pairs depend on its total length. */
  void endRound() {
    add(Material.AND_PAIR, Costs.andPairsPerCompare(compared));
    compared = 0;
  }

  /** Refuses a plan that needs more of any kind than one session may take. */
  void check() {
    if (counts.values().stream().anyMatch(count -> count > Limits.MAX_VECTOR)) {
      throw invalid("the computation needs %s, more than one session may use (%d of each kind of dealer material); split it",
          counts.entrySet().stream().filter(e -> e.getValue() > 0).map(e -> e.getValue() + " " + e.getKey().noun)
              .collect(Collectors.joining(", ")), Limits.MAX_VECTOR);
    }
    smpc.core.protocol.MatrixSchedule.of(shapes); // refuses triples whose factors together exceed the limit
  }

  /** The counts into the plan, for the dealer. */
  Plan.Builder writeTo(Plan.Builder plan) {
    return plan.addAllMaterial(Material.counts(counts)).addAllMatShapes(shapes);
  }
}
