package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C during a training, as a user gives it to the launcher: the command's calls are cancelled and its temporary
 * values (copies of alice's features and bob's labels, their shares) are deleted on the way out, in a JVM of its own
 * and through the agent alike. A Ctrl-C used to leave them on the parties.
 */
class InterruptIT {
  @Test
  void aTrainingInterruptedLeavesNoTemporaryValues() throws Exception {
    Path runtime = Files.createTempDirectory("smpc-interrupt-it");
    Path work = Files.createTempDirectory("smpc-interrupt-work");
    try (TestCluster c = TestCluster.start("alice", "bob")) {
      for (String agent : new String[] {"off", "on"}) {
        Map<String, String> env = Map.of("XDG_RUNTIME_DIR", runtime.toString(), "SMPC_CLUSTER", c.file.toString(), "SMPC_AGENT", agent);
        if (agent.equals("on")) AgentIT.smpc(work, env, "list"); // the agent is up before the training starts
        Process train = AgentIT.launcher(work, env, "logreg", "train", "--features", "alice:" + LogregIT.DATA.toAbsolutePath().resolve(
            "train_features.csv"), "--labels", "bob:" + LogregIT.DATA.toAbsolutePath().resolve("train_labels.csv") + ":benign",
            "--epochs", "500", "--name", "never").redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
          boolean running = false;
          for (int i = 0; i < 600 && !running && train.isAlive(); i++) {
            running = c.ok("list").contains("_logreg_");
            if (!running) Thread.sleep(100);
          }
          assertThat(running).as("agent %s: the training stored its temporaries", agent).isTrue();
          AgentIT.signal("-INT", train.pid());
          assertThat(train.waitFor(60, TimeUnit.SECONDS)).as("agent %s: the command ends", agent).isTrue();
          assertThat(train.exitValue()).as("agent %s", agent).isNotZero();
          String left = "";
          for (int i = 0; i < 100; i++) { // through the agent, the clean-up ends a moment after the caller
            left = c.ok("list");
            if (!left.contains("_logreg_")) break;
            Thread.sleep(100);
          }
          assertThat(left).as("agent %s: values left", agent).doesNotContain("_logreg_").doesNotContain("never");
        } finally {
          train.destroyForcibly();
        }
      }
      AgentIT.smpc(work, Map.of("XDG_RUNTIME_DIR", runtime.toString(), "SMPC_CLUSTER", c.file.toString()), "agent", "stop");
    } finally {
      LocalCluster.deleteTree(runtime);
      LocalCluster.deleteTree(work);
    }
  }
}
