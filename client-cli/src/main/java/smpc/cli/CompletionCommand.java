package smpc.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true, description = {
    "Print a shell completion script for bash and zsh.",
    "Load it with: source <(./smpc completion). Zsh runs it after: autoload -U +X bashcompinit && bashcompinit."})
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    // picocli's generator walks the whole command tree, so it needs every command, not just this one
    spec.commandLine().getOut().print(AutoComplete.bash("smpc", Smpc.commandLine()));
    spec.commandLine().getOut().flush();
    return 0;
  }
}
