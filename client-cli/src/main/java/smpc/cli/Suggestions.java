package smpc.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What a mistyped command line was probably meant to be. picocli's own suggestions rank by shared letter pairs,
 * which offered "reveal or help or revoke" for `evel`; a typo is an edit or two away, or a prefix of the word.
 */
final class Suggestions {
  private Suggestions() {}

  /** The subcommands (for a word) or options (for a dashed argument) nearest the first unmatched argument. */
  static List<String> of(CommandLine cmd, CommandLine.UnmatchedArgumentException ex) {
    List<String> unmatched = ex.getUnmatched();
    if (unmatched.isEmpty()) return List.of();
    String word = unmatched.get(0);
    List<String> names = new ArrayList<>();
    if (word.startsWith("-")) {
      word = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
      for (OptionSpec o : cmd.getCommandSpec().options()) {
        for (String n : o.names()) if (n.startsWith("--")) names.add(n);
      }
    } else {
      names.addAll(cmd.getSubcommands().keySet());
    }
    return smpc.sdk.Names.nearest(word, names);
  }

  /**
   * For a command that takes an expression: an argument that starts with '-' and is none of its options was
   * probably the expression (`eval -a`), which picocli reads as an option; it goes after `--`. (A mistyped long
   * option is not taken for one.)
   */
  static String dashedExpression(CommandLine cmd, String[] args) {
    boolean takesExpression = cmd.getCommandSpec().positionalParameters().stream().anyMatch(p -> "EXPR".equals(p.paramLabel()));
    if (!takesExpression) return "";
    for (String a : args) {
      if (a.equals("--")) return "";
      if (a.length() > 1 && a.startsWith("-") && !a.startsWith("--") && cmd.getCommandSpec().findOption(a.contains("=") ? a.substring(0, a.indexOf('=')) : a) == null
          && cmd.getParent() != null && cmd.getParent().getCommandSpec().findOption(a) == null) {
        return String.format("; an expression that starts with '-' goes after `--`: smpc %s [OPTIONS] -- '%s'", cmd.getCommandName(), a);
      }
    }
    return "";
  }
}
