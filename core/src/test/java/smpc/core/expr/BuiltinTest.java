package smpc.core.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/** The registry of operators and functions agrees with the parser, the compiler's arity checks and docs/functions.md. */
class BuiltinTest {
  static final List<String> PARTIES = List.of("alice", "bob");
  static final Map<String, ValueInfo> CATALOG = Map.of("v", ValueInfo.newBuilder().setName("v").setKind(Kind.PRIVATE)
      .setDtype(DType.REAL).setFracBits(16).setOwner("alice").setLength(4).build());

  @Test
  void everyOperatorParsesAndPrintsAsItsSymbol() {
    for (Operator op : Operator.values()) {
      Expr e = Parser.parse("a " + op.symbol() + " b");
      assertThat(e).isEqualTo(new Expr.Bin(op, new Expr.Ref("a"), new Expr.Ref("b")));
      assertThat(Printer.show(e)).isEqualTo("a " + op.symbol() + " b");
    }
  }

  @Test
  void theParserRefusesUnknownFunctionsListingTheKnownOnes() {
    String known = Arrays.stream(Builtin.values()).map(Builtin::fn).collect(Collectors.joining(", "));
    assertThatThrownBy(() -> Parser.parse("1 + sinh(2)")).hasMessageContaining("unknown function 'sinh' (known: " + known + ")");
    for (Builtin fn : Builtin.values()) assertThat(Builtin.named(fn.fn())).isEqualTo(fn);
  }

  /** Calls with too few or too many arguments are refused for that reason; the declared counts are not. */
  @Test
  void declaredArgumentCountsAreWhatTheCompilerAccepts() {
    for (Builtin fn : Builtin.values()) {
      Pattern arity = Pattern.compile(fn.fn() + " (takes \\d+( or \\d+)? arguments?, got|needs at least one argument|takes secret vectors)");
      if (fn.minArgs() > 0) assertThat(error(fn, fn.minArgs() - 1)).as("%s with too few", fn.fn()).containsPattern(arity);
      if (fn.maxArgs() != Builtin.MANY) assertThat(error(fn, fn.maxArgs() + 1)).as("%s with too many", fn.fn()).containsPattern(arity);
      assertThat(error(fn, fn.minArgs())).as("%s with %d", fn.fn(), fn.minArgs()).doesNotContainPattern(arity);
      int most = fn.maxArgs() == Builtin.MANY ? fn.minArgs() + 2 : fn.maxArgs();
      assertThat(error(fn, most)).as("%s with %d", fn.fn(), most).doesNotContainPattern(arity);
    }
  }

  /** The message compiling fn(v, 2, 2, ...) with n arguments fails with, or "" when it compiles. */
  private static String error(Builtin fn, int n) {
    List<String> args = new ArrayList<>(Collections.nCopies(n, "2"));
    if (n > 0) args.set(0, "v");
    try {
      Expr e = Parser.parse(fn.fn() + "(" + String.join(", ", args) + ")");
      Compiler.compile(List.of(Compiler.Output.reveal(e, "alice")), PARTIES, CATALOG::get, 16);
      return "";
    } catch (RuntimeException ex) {
      return String.valueOf(ex.getMessage());
    }
  }

  @Test
  void docsListEveryOperatorAndFunctionAsTheRegistryDescribesThem() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "functions.md"));
    int start = docs.indexOf("\n## Built-in functions\n");
    assertThat(start).as("docs/functions.md has a '## Built-in functions' section").isNotNegative();
    int end = docs.indexOf("\n## ", start + 1);
    List<String> section = docs.substring(start, end < 0 ? docs.length() : end).lines().toList();
    List<String> expected = new ArrayList<>();
    for (Operator op : Operator.values()) expected.add("| `a " + op.symbol() + " b` | " + op.doc() + " |");
    for (Builtin fn : Builtin.values()) {
      String usage = Arrays.stream(fn.usage().split(" or ")).map(u -> "`" + u + "`").collect(Collectors.joining(" or "));
      expected.add("| " + usage + " | " + fn.doc() + " | " + fn.domain() + " |");
    }
    assertThat(section).as("docs/functions.md's rows, to be: %n%s", String.join("\n", expected)).containsAll(expected);
  }
}
