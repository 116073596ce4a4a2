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
  void aMalformedClusterFileIsOneLineNamingWhere() throws Exception {
    Path file = dir.resolve("broken.json");
    java.nio.file.Files.writeString(file, "{\n  \"dealer\" : {\n  \"parties\" : [ \n");
    Result r = cli("list", "--cluster", file.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).hasLineCount(1).startsWith("smpc: error: cluster file " + file + " is not a valid cluster file (line ")
        .doesNotContain("REDACTED");
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

  /** No cluster file and no certificates: said, with how to start a cluster (never a plaintext try of the default ports). */
  @Test
  void withoutAClusterFileOrCertificatesNoClusterIsUp() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "smpc.cli.Smpc", "list").directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("SMPC_CLUSTER", dir.resolve("none.json").toString());
    pb.environment().remove("SMPC_TLS_DIR");
    pb.environment().remove("SMPC_INSECURE");
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(text).isEqualTo(1);
    assertThat(text).contains("no cluster is up: no cluster file at " + dir.resolve("none.json")).contains("`smpc cluster up` starts a local cluster");
  }
}
