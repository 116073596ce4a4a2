package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** What the launcher's JVM decides before it relays a command to an agent. */
class AgentClientTest {
  @Test
  void theCommandIsTheFirstWordAfterTheRootOptionsAndTheirValues() {
    assertThat(AgentClient.commandName(new String[] {"--as", "bob", "--cluster", "eval", "eval", "a"})).isEqualTo("eval");
    assertThat(AgentClient.commandName(new String[] {"--timeout=5", "-h"})).isEmpty();
    assertThat(AgentClient.commandName(new String[] {"--timeout", "5", "list"})).isEqualTo("list");
  }

  @Test
  void onlyShortClusterCommandsGoToAnAgent() {
    assertThat(AgentClient.SERVED).contains("eval", "input", "reveal", "approve", "status")
        .doesNotContain("cluster", "demo", "bench", "certs", "agent", "help");
  }

  @Test
  void anAgentIsUsedOnlyFromADirectoryOfThisUsersAlone() throws Exception {
    Path dir = Files.createTempDirectory("smpc-agent-dir");
    try {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      assertThat(AgentClient.privateDir(dir)).isTrue();
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      assertThat(AgentClient.privateDir(dir)).as("others may list it").isFalse();
      assertThat(AgentClient.whyNotPrivate(dir)).isEqualTo(dir + " has mode rwxr-xr-x, not rwx------");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx-w----"));
      assertThat(AgentClient.privateDir(dir)).as("others may create a socket in it").isFalse();
      Path link = Files.createSymbolicLink(dir.resolveSibling(dir.getFileName() + "-link"), dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      assertThat(AgentClient.privateDir(link)).as("a link to it").isFalse();
      Files.delete(link);
    } finally {
      Files.delete(dir);
    }
  }

  @Test
  void aBadIdleSettingFallsBackToTheDefault() {
    assertThat(Agent.idleMinutes("30")).isEqualTo(30);
    assertThat(Agent.idleMinutes("x")).isEqualTo(15);
    assertThat(Agent.idleMinutes("0")).isEqualTo(15);
    assertThat(Agent.idleMinutes(null)).isEqualTo(15);
  }

  @Test
  void theContextNamesTheDirectoryItselfTheJavaAndTheJvmOptions() {
    assertThat(AgentClient.context()).containsKeys(" cwd", " cwd-id", " java").doesNotContainKey("PATH");
    assertThat(AgentClient.context().get(" cwd-id")).contains("ino=");
  }

  @Test
  void noAgentWithoutTheLaunchersSwitch() {
    assertThat(System.getProperty(AgentClient.ON_PROPERTY)).isNull();
    assertThat(AgentClient.of(new String[] {"eval", "a"})).isNull();
  }
}
