package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpc.sdk.ClusterConfig;

/** Where nothing listens, the CLI says how to find out and how to start a cluster. */
class NoClusterTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  Result cli(String... args) {
    StringWriter out = new StringWriter(), err = new StringWriter();
    int code = Smpc.commandLine(args).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void unreachableSuggestsStatusAndClusterUp() throws Exception {
    Path file = dir.resolve("cluster.json");
    ClusterConfig.local(List.of("alice", "bob", "carol"), TestCluster.freeBasePort(4)).save(file);
    Result r = cli("input", "--party", "alice", "--name", "a", "1", "--cluster", file.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("alice").contains("unreachable").contains("`smpc status`").contains("`smpc cluster up`");
    Result s = cli("status", "--cluster", file.toString());
    assertThat(s.code()).isEqualTo(1);
    assertThat(s.out()).containsPattern("alice .* DOWN");
    assertThat(s.err()).contains("no process answers: `smpc cluster up` starts a local cluster");
  }
}
