package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Every command's help renders, and no description is cut: each command, option and parameter says what it
 * is in whole sentences (a command's first line, which its parent lists, is one on its own), and no line of a
 * command's description breaks off mid-sentence.
 */
class HelpTest {
  /** How a sentence, or a parenthesis closing one, ends. */
  private static final String END = ".*[.)!?:]$";

  @Test
  void everyCommandsHelpIsWhole() {
    List<String> problems = new ArrayList<>();
    int[] commands = {0};
    walk(Smpc.commandLine(), problems, commands);
    assertThat(problems).as("help problems").isEmpty();
    assertThat(commands[0]).as("commands rendered").isGreaterThanOrEqualTo(Smpc.commandLine().getSubcommands().size());
  }

  private static void walk(CommandLine cl, List<String> problems, int[] commands) {
    CommandSpec spec = cl.getCommandSpec();
    String who = spec.qualifiedName();
    StringWriter out = new StringWriter();
    cl.usage(new PrintWriter(out));
    commands[0]++;
    assertThat(out.toString()).as("help of %s", who).contains("Usage: " + who);
    String[] description = spec.usageMessage().description();
    if (description.length == 0) problems.add(who + ": no description");
    else {
      if (!description[0].trim().matches(END)) problems.add(who + ": the first line, listed by its parent, is not a sentence: " + description[0]);
      // picocli starts each element on a line of its own: one ending mid-sentence breaks the text raggedly
      for (String line : description) {
        String text = line.replace("%n", "").trim();
        if (!text.isEmpty() && !text.matches(END)) problems.add(who + ": a description line ends mid-sentence: " + text);
      }
    }
    List<ArgSpec> args = new ArrayList<>(spec.options());
    args.addAll(spec.positionalParameters());
    for (ArgSpec a : args) {
      if (a.hidden()) continue;
      String text = String.join(" ", a.description()).trim();
      String name = a.isOption() ? ((CommandLine.Model.OptionSpec) a).longestName() : a.paramLabel();
      if (text.isEmpty()) problems.add(who + " " + name + ": no description");
      else if (!text.matches(END)) problems.add(who + " " + name + ": description ends mid-sentence: " + text);
    }
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (sub.getParent() == cl) walk(sub, problems, commands);
    }
  }
}
