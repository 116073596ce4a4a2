package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code smpc completion} prints picocli's bash/zsh completion script for the whole command tree. */
class CompletionTest {
  @Test
  void completionPrintsAScriptForEveryCommand() {
    String[] args = {"completion"};
    CommandLine cl = Smpc.commandLine(args);
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute(args)).isZero();
    String script = out.toString();
    assertThat(script).startsWith("#!/usr/bin/env bash").contains("complete -F _complete_smpc");
    for (String sub : Smpc.commandLine().getSubcommands().keySet()) assertThat(script).as("completes %s", sub).contains(sub);
    assertThat(script).contains("--reveal-to").contains("--digits").contains("--json");
  }
}
