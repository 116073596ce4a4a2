package smpc.core.expr;

import static org.assertj.core.api.Assertions.assertThat;

import smpc.core.Failure;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/**
 * Bad input at the expression boundary: any text either parses or fails with one clear
 * INVALID_ARGUMENT, and any parsed expression either compiles or fails with a status naming the
 * problem — never another exception (which a party or the CLI would report as an internal error).
 */
class ExpressionFuzzTest {
  static final List<String> PARTIES = List.of("alice", "bob");
  static final Map<String, ValueInfo> CATALOG = Map.of(
      "x", ValueInfo.newBuilder().setName("x").setKind(Kind.PRIVATE).setDtype(DType.REAL).setFracBits(16).setOwner("alice").setLength(3).build(),
      "y", ValueInfo.newBuilder().setName("y").setKind(Kind.PRIVATE).setDtype(DType.INT).setOwner("bob").setLength(1).build(),
      "m", ValueInfo.newBuilder().setName("m").setKind(Kind.SHARED).setDtype(DType.REAL).setFracBits(16).addAllParties(PARTIES)
          .setLength(6).build());

  @Provide
  Arbitrary<String> anyText() {
    return Arbitraries.strings().ofMaxLength(40);
  }

  /** Texts made of the language's own tokens, so that most get past the lexer. */
  @Provide
  Arbitrary<String> tokens() {
    return Arbitraries.of("x", "y", "m", "z", "0", "1", "2", "-3", "2.5", "1e-3", "9e99", "(", ")", ",", "+", "-", "*", "/", "<", "<=",
        "==", "!=", ">", "sum(", "dot(", "max(", "min(", "argmax(", "where(", "exp(", "log(", "sqrt(", "sigmoid(", "softmax(",
        "reciprocal(", "mean(", "variance(", "median(", "histogram(", "isin(", "concat(", "slice(", "tile(", "matvec(", "vecmat(",
        "colmean(", "standardize(", "count(", "corr(").list().ofMaxSize(12).map(l -> String.join(" ", l));
  }

  @Property(tries = 400)
  void anyTextParsesOrGetsOneClearError(@ForAll("anyText") String text) {
    check(text);
  }

  @Property(tries = 1500)
  void tokenSoupParsesAndCompilesOrGetsAClearError(@ForAll("tokens") String text) {
    check(text);
  }

  static void check(String text) {
    Expr e;
    try {
      e = Parser.parse(text);
    } catch (Failure ex) {
      assertThat(ex.code()).as(text).isEqualTo(Failure.Code.INVALID_ARGUMENT);
      assertThat(ex.getMessage()).as(text).isNotBlank();
      return;
    }
    try {
      Compiler.compile(List.of(Compiler.Output.reveal(e, "alice")), PARTIES, CATALOG::get, 16);
    } catch (Failure ex) {
      assertThat(ex.code()).as(text).isIn(Failure.Code.INVALID_ARGUMENT, Failure.Code.NOT_FOUND,
          Failure.Code.FAILED_PRECONDITION);
      assertThat(ex.getMessage()).as(text).isNotBlank();
    }
  }
}
