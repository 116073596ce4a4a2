package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import smpc.core.expr.Builtin;
import smpc.core.expr.Operator;

/** {@code smpc eval --help} lists every operator and built-in function of the compiler, one line each. */
class EvalHelpTest {
  @Test
  void helpListsEveryOperatorAndFunction() {
    String[] args = {"eval", "--help"};
    CommandLine cl = Smpc.commandLine(args);
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute(args)).isZero();
    String help = out.toString();
    for (Operator op : Operator.values()) {
      assertThat(help.lines().filter(l -> l.startsWith("  a " + op.symbol() + " ") && l.endsWith(op.doc())))
          .as("a line for %s in:%n%s", op.symbol(), help).hasSize(1);
    }
    for (Builtin fn : Builtin.values()) {
      assertThat(help.lines().filter(l -> l.trim().startsWith(fn.usage() + " ") && l.endsWith(fn.doc() + " [" + fn.domain() + "]")))
          .as("a line for %s in:%n%s", fn.fn(), help).hasSize(1);
    }
  }
}
