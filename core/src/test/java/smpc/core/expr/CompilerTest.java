package smpc.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import smpc.core.protocol.Material;
import smpc.proto.DType;
import smpc.proto.Instr;
import smpc.proto.Kind;
import smpc.proto.Op;
import smpc.proto.ValueInfo;

class CompilerTest {
  static final List<String> ABC = List.of("alice", "bob", "carol");
  static final Map<String, ValueInfo> CATALOG = Map.of(
      "a", priv("a", "alice", 1), "b", priv("b", "bob", 1),
      "u", priv("u", "alice", 4), "v", priv("v", "bob", 4), "w", priv("w", "carol", 3),
      "s", shared("s", List.of("alice", "bob", "carol"), 4), "t", shared("t", List.of("alice", "bob"), 4));

  static ValueInfo priv(String n, String owner, int len) {
    return ValueInfo.newBuilder().setName(n).setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner(owner).setLength(len).build();
  }

  static ValueInfo shared(String n, List<String> parties, int len) {
    return ValueInfo.newBuilder().setName(n).setKind(Kind.SHARED).setDtype(DType.INT).addAllParties(parties).setLength(len).build();
  }

  static Compiler.Compiled compile(String expr) {
    return Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(expr), "alice")), ABC, CATALOG::get);
  }

  static long count(Compiler.Compiled c, Op op) {
    return c.plan().getInstrsList().stream().filter(i -> i.getOp() == op).count();
  }

  @Test
  void seedExampleIsOneMultiplicationRound() {
    Compiler.Compiled c = compile("(a*b) - 5*(a+b)");
    assertThat(count(c, Op.MUL)).isEqualTo(1);
    assertThat(count(c, Op.SHARE)).isEqualTo(2);
    assertThat(Material.TRIPLE.in(c.plan())).isEqualTo(1);
    assertThat(c.rounds()).isEqualTo(2); // one Beaver round, reveal (the input seeds ride on the plan agreement)
  }

  @Test
  void independentProductsShareARoundAndDepthSetsTheCount() {
    assertThat(count(compile("a*b + u*v + s*s"), Op.MUL)).isEqualTo(1);
    assertThat(compile("(a*b) * (u*v)").rounds()).isEqualTo(3);
    assertThat(compile("a*b*u*v").rounds()).isEqualTo(4);
  }

  @Test
  void repeatedSubexpressionsAreComputedOnce() {
    Compiler.Compiled c = compile("u*v + u*v + dot(u, v)");
    assertThat(Material.TRIPLE.in(c.plan())).isEqualTo(4);
  }

  @Test
  void allComparisonsOfAVectorShareOneComparisonStep() {
    Compiler.Compiled c = compile("(u < v) + (u == v) + sign(u) + abs(v)");
    assertThat(count(c, Op.COMPARE)).isEqualTo(1);
    assertThat(Material.COMPARE.in(c.plan())).isEqualTo(20); // u-v: < and ==; u: < and == (sign); v: < (abs); 4 elements each
    assertThat(Material.AND_PAIR.in(c.plan())).isEqualTo(10 + 5 + 3 + 2 + 1 + 1); // the tree's six levels, two words into one each
    assertThat(Material.AND_TRIPLE.in(c.plan())).isZero();
    assertThat(c.rounds()).isEqualTo(8 + 1 + 1); // comparison, abs's product, reveal
  }

  @Test
  void publicConstantsFold() {
    Compiler.Compiled c = compile("2 * 3 * u + (1 - 1)");
    Instr mulPub = c.plan().getInstrsList().stream().filter(i -> i.getOp() == Op.MUL_PUBLIC).findFirst().orElseThrow();
    assertThat(smpc.core.ring.Packing.fromByteString(mulPub.getConstant())).containsExactly(6);
    assertThat(Material.TRIPLE.in(c.plan())).isZero();
  }

  @Test
  void outputLengthsFollowBroadcastAndReductions() {
    assertThat(compile("u * a").outputLengths()).containsExactly(4);
    assertThat(compile("sum(u) + a").outputLengths()).containsExactly(1);
  }

  @Test
  void badProgramsAreRefusedWithTheirCause() {
    assertThatThrownBy(() -> compile("zz + 1")).hasMessageContaining("unknown value name 'zz'");
    assertThatThrownBy(() -> compile("u * w")).hasMessageContaining("vector lengths differ (4 and 3) in u * w");
    assertThatThrownBy(() -> compile("t + u")).hasMessageContaining("shared among [alice, bob] but the computation runs on");
    assertThatThrownBy(() -> compile("dot(u, a)")).hasMessageContaining("dot needs vectors of equal length");
    assertThatThrownBy(() -> compile("foo(u)")).hasMessageContaining("unknown function 'foo'");
    assertThatThrownBy(() -> compile("max(u, v, w)")).hasMessageContaining("max takes 2 arguments, got 3");
    assertThatThrownBy(() -> compile("argmax(u, v)")).hasMessageContaining("argmax takes 1 argument, got 2");
    assertThatThrownBy(() -> compile("u < w")).hasMessageContaining("vector lengths differ (4 and 3) in u < w");
    assertThatThrownBy(() -> compile("sum()")).hasMessageContaining("sum takes 1 argument, got 0");
    assertThatThrownBy(() -> Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("a"), "dave")), ABC, CATALOG::get))
        .hasMessageContaining("cannot reveal to 'dave'");
    assertThatThrownBy(() -> Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse("w"), "alice")),
        List.of("alice", "bob"), CATALOG::get)).hasMessageContaining("private to carol, who is not one of the computing parties");
  }

  /** Folded constants are exact or an error, never a wrapped number. */
  @Test
  void constantFoldingThatOverflowsIsAnError() {
    for (String expr : new String[] {"9223372036854775807 + 1", "-9223372036854775807 - 2", "4294967296 * 4294967296",
        "1e9 * 1e9", "a + 1e9 * 1e9", "u * (3037000500 * 3037000500)"}) {
      assertThatThrownBy(() -> compile(expr)).as(expr).isInstanceOf(smpc.core.Failure.class)
          .hasMessageStartingWith("constant out of range: ").hasMessageContaining("overflows 64-bit arithmetic");
    }
    assertThat(compile("9223372036854775806 + 1").plan().getInstrsCount()).isPositive();
    assertThat(compile("a + 3037000499 * 3037000499").plan().getInstrsCount()).isPositive();
  }
}
