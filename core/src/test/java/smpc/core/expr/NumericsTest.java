package smpc.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import smpc.core.protocol.Material;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

class NumericsTest {
  @Test
  void settingsParseOverTheDefaultsAndBadOnesAreNamed() {
    assertThat(Numerics.parse(List.of())).isEqualTo(Numerics.DEFAULT);
    assertThat(Numerics.parse(List.of("newton=3", "sigmoid-degree=15")))
        .isEqualTo(new Numerics(3, 9, 8, 8, 15));
    assertThatThrownBy(() -> Numerics.parse(List.of("speed=2"))).hasMessageContaining("unknown numeric setting 'speed=2'");
    assertThatThrownBy(() -> Numerics.parse(List.of("newton=9"))).hasMessageContaining("newton must be in [1, 4], got 9");
    assertThatThrownBy(() -> Numerics.parse(List.of("sigmoid-degree=12"))).hasMessageContaining("must be odd");
    assertThatThrownBy(() -> Numerics.parse(List.of("log-degree=two"))).hasMessageContaining("needs an integer");
  }

  @Test
  void lowerDegreesAndFewerIterationsCostLess() {
    ValueInfo x = ValueInfo.newBuilder().setName("x").setKind(Kind.SHARED).setDtype(DType.REAL).setFracBits(16).setLength(4)
        .addAllParties(List.of("a", "b")).build();
    for (String fn : new String[] {"sigmoid(x)", "x / x", "exp(x)", "log(x)", "sqrt(x)"}) {
      Compiler.Compiled full = compile(fn, x, Numerics.DEFAULT);
      Compiler.Compiled lean = compile(fn, x, new Numerics(1, 6, 5, 5, 11));
      assertThat(products(lean)).as(fn).isLessThan(products(full));
      assertThat(lean.rounds()).as(fn).isLessThanOrEqualTo(full.rounds());
    }
  }

  /** Secret products: triples and square pairs. */
  private static long products(Compiler.Compiled c) {
    return Material.TRIPLE.in(c.plan()) + Material.SQUARE.in(c.plan());
  }

  private static Compiler.Compiled compile(String expr, ValueInfo x, Numerics n) {
    return Compiler.compile(List.of(Compiler.Output.reveal(Parser.parse(expr), "a")), List.of("a", "b"),
        name -> name.equals("x") ? x : null, 16, n);
  }
}
