package smpc.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParserTest {
  @Test
  void precedenceAndAssociativity() {
    assertThat(Parser.parse("a - b - c")).isEqualTo(Expr.sub(Expr.sub(ref("a"), ref("b")), ref("c")));
    assertThat(Parser.parse("a + b * c")).isEqualTo(Expr.add(ref("a"), Expr.mul(ref("b"), ref("c"))));
    assertThat(Parser.parse("(a*b) - 5*(a+b)"))
        .isEqualTo(Expr.sub(Expr.mul(ref("a"), ref("b")), Expr.mul(new Expr.Num(5), Expr.add(ref("a"), ref("b")))));
  }

  @Test
  void unaryMinusAndCalls() {
    assertThat(Parser.parse("-x * -3")).isEqualTo(Expr.mul(new Expr.Neg(ref("x")), new Expr.Num(-3)));
    assertThat(Parser.parse("dot(u, v) + sum(w)"))
        .isEqualTo(Expr.add(new Expr.Call("dot", List.of(ref("u"), ref("v"))), new Expr.Call("sum", List.of(ref("w")))));
    assertThat(Parser.parse("-9223372036854775807")).isEqualTo(new Expr.Num(-Long.MAX_VALUE));
    assertThat(Parser.parse("-2.5 * x")).isEqualTo(Expr.mul(new Expr.Dec(new java.math.BigDecimal("-2.5")), ref("x")));
    assertThat(Parser.parse("1e-3")).isEqualTo(new Expr.Dec(new java.math.BigDecimal("1e-3")));
    assertThat(Parser.parse("a / b * c")).isEqualTo(Expr.mul(new Expr.Bin(Operator.DIV, ref("a"), ref("b")), ref("c")));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "a +|malformed expression at column 4: expected a value, a name or '(' but the expression ended",
      "(a * b|expected ')' but the expression ended",
      "a b|column 3: unexpected 'b'",
      "a $ b|unexpected '$'",
      "2.5e * a|malformed exponent in '2.5e'",
      "99999999999999999999|out of the 64-bit range",
      "a / / b|column 5: expected a value",
      "'  '|it is empty",
      "a < b < c|comparisons do not chain",
      "a = b|'=' is not an operator; compare with '=='"})
  void malformedExpressionsGetOneClearMessage(String text, String message) {
    assertThatThrownBy(() -> Parser.parse(text)).hasMessageContaining(message);
  }

  @Test
  void comparisonsBindLooserThanArithmetic() {
    assertThat(Parser.parse("a + 1 <= b * 2")).isEqualTo(new Expr.Bin(Operator.LE, Expr.add(ref("a"), new Expr.Num(1)),
        Expr.mul(ref("b"), new Expr.Num(2))));
    assertThat(Printer.show(Parser.parse("(x > y) * x + (x != y)"))).isEqualTo("((x > y) * x) + (x != y)");
  }

  @Test
  void aNumberLongerThanTheLimitIsRefusedNamingItsPlace() {
    String ok = "0." + "1".repeat(Parser.MAX_LITERAL - 2), tooLong = "0." + "1".repeat(Parser.MAX_LITERAL - 1);
    assertThat(Parser.parse("x + " + ok)).isEqualTo(Expr.add(ref("x"), new Expr.Dec(new java.math.BigDecimal(ok))));
    assertThatThrownBy(() -> Parser.parse("x + " + tooLong))
        .hasMessage("the number at column 5 has " + (Parser.MAX_LITERAL + 1) + " characters; at most " + Parser.MAX_LITERAL);
    assertThat(Printer.show(Parser.parse("x * 1e-999999999"))).isEqualTo("x * 1E-999999999");
    assertThatThrownBy(() -> Parser.parse("x * 1e999999999999999999")).hasMessage("the number at column 5 has an exponent out of range");
  }

  @Test
  void printerRoundTrips() {
    String text = "(a * b) - (5 * (a + b))";
    assertThat(Printer.show(Parser.parse(text))).isEqualTo(text);
  }

  static final String TOO_DEEP = "expression nested deeper than 200 levels";

  @ParameterizedTest
  @CsvSource({"'(', 'a', ')'", "'-', 'a', ''", "'+', '1', ''", "'sum(', 'v', ')'", "'a + ', 'b', ''", "'2 * (', 'x', ')'"})
  void aThousandLevelsAreOneClearLineAndNoStackOverflow(String open, String middle, String close) {
    String deep = open.repeat(1000) + middle + close.repeat(1000);
    assertThatThrownBy(() -> Parser.parse(deep)).isInstanceOf(smpc.core.Failure.class).hasMessageStartingWith(TOO_DEEP);
    String deeper = open.repeat(100_000) + middle + close.repeat(100_000);
    assertThatThrownBy(() -> Parser.parse(deeper)).isInstanceOf(smpc.core.Failure.class).hasMessageStartingWith(TOO_DEEP);
  }

  @Test
  void theDocumentedDepthParsesAndCompiles() {
    String chain = "a" + " + a".repeat(Parser.MAX_DEPTH / 2 - 1); // a left-deep chain of 99 operators: 100 levels
    String nested = "-(".repeat(Parser.MAX_DEPTH / 2) + chain + ")".repeat(Parser.MAX_DEPTH / 2); // and 100 signs
    assertThat(Parser.depth(Parser.parse(nested))).isEqualTo(Parser.MAX_DEPTH);
    assertThat(CompilerTest.compile(nested.replace("a", "s")).plan().getInstrsCount()).isPositive();
    assertThatThrownBy(() -> Parser.parse("-(" + nested + ")")).hasMessageStartingWith(TOO_DEEP);
  }

  private static Expr ref(String n) {
    return new Expr.Ref(n);
  }
}
