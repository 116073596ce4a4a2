package smpc.core.expr;

import static org.assertj.core.api.Assertions.assertThat;

import smpc.core.Failure;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.testing.Seeded;
import smpc.core.testing.Seeds;
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

  /** Characters the lexer treats specially, and ones it should refuse cleanly. */
  static final String SPECIAL = "()+-*/<>=!,. eE0123456789_\t\n\r\0\u00a0\u2028\ud800\udfff\uffff\ufffd";

  /** Any text of up to 40 characters: ASCII, the lexer's own characters, or any UTF-16 unit. */
  static String anyText(Random rnd) {
    char[] t = new char[Seeds.length(rnd, 0, 40)];
    for (int i = 0; i < t.length; i++) {
      t[i] = switch (rnd.nextInt(4)) {
        case 0 -> SPECIAL.charAt(rnd.nextInt(SPECIAL.length()));
        case 1 -> (char) rnd.nextInt(Character.MAX_VALUE + 1);
        default -> (char) (32 + rnd.nextInt(95));
      };
    }
    return new String(t);
  }

  /** The language's own tokens, so that most texts made of them get past the lexer. */
  static final String[] TOKENS = {"x", "y", "m", "z", "0", "1", "2", "-3", "2.5", "1e-3", "9e99", "(", ")", ",", "+", "-", "*", "/",
      "<", "<=", "==", "!=", ">", "sum(", "dot(", "max(", "min(", "argmax(", "where(", "exp(", "log(", "sqrt(", "sigmoid(",
      "softmax(", "reciprocal(", "mean(", "variance(", "median(", "histogram(", "isin(", "concat(", "slice(", "tile(", "matvec(",
      "vecmat(", "colmean(", "standardize(", "count(", "corr("};

  /** Up to 12 tokens joined by spaces. */
  static String tokens(Random rnd) {
    String[] t = new String[Seeds.length(rnd, 0, 12)];
    for (int i = 0; i < t.length; i++) t[i] = TOKENS[rnd.nextInt(TOKENS.length)];
    return String.join(" ", t);
  }

  @Seeded(400)
  void anyTextParsesOrGetsOneClearError(long seed) {
    check(anyText(new Random(seed)));
  }

  @Test
  void theEmptyTextAndEachSpecialCharacterAloneGetAClearAnswer() {
    check("");
    for (char ch : SPECIAL.toCharArray()) check(String.valueOf(ch));
  }

  @Seeded(1500)
  void tokenSoupParsesAndCompilesOrGetsAClearError(long seed) {
    check(tokens(new Random(seed)));
  }

  @Test
  void eachTokenAloneGetsAClearAnswer() {
    for (String t : TOKENS) check(t);
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
