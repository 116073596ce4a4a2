package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A local cluster's life as a new user lives it: values cleared with reset, a clear word after `cluster down`,
 * `cluster up` waiting for a party of its own that holds its port and naming it when it stays silent, refused on a
 * port another process holds, then again with another set of parties (their certificates issued), and the CLI run from another
 * working directory finding the certificates through the cluster file.
 */
class ClusterLifeIT {
  @Test
  void resetDownAndUpWithAnotherSetOfParties() throws Exception {
    try (TestCluster c = TestCluster.start("alice", "bob")) {
      c.ok("input", "--party", "alice", "--name", "a", "1");
      c.ok("input", "--party", "bob", "--name", "b", "2");
      c.ok("eval", "a + b", "--name", "ab");
      TestCluster.Result unconfirmed = c.cli("reset", "--party", "alice");
      assertThat(unconfirmed.code()).isEqualTo(2);
      assertThat(unconfirmed.err()).contains("reset deletes every value stored on alice for good: add --yes");
      TestCluster.Result reset = c.cli("reset", "--party", "alice", "--yes");
      assertThat(reset.out()).isEqualTo("alice: deleted 2 values\n"); // a, and its share of ab
      assertThat(reset.err()).contains("smpc: warning: shared value ab lost alice's share and can no longer be used; remove it with `smpc rm`");
      assertThat(c.ok("list")).doesNotContain(" a ").contains("b ");
      String base = c.config().dealer().address().replaceAll(".*:", "");
      // bob's own process holds its port and does not answer (stopped): waited for, then named, not started twice
      long bob = c.config().parties().get(1).pid();
      signal("STOP", bob);
      try {
        TestCluster.Result silent = c.cli("cluster", "up", "--parties", "alice,bob", "--base-port", base);
        assertThat(silent.code()).isEqualTo(1);
        assertThat(silent.err()).contains("bob (pid " + bob + ", started by this cluster's `cluster up`) holds port "
            + (Integer.parseInt(base) + 2) + " but has not answered for 15 s");
      } finally {
        signal("CONT", bob);
      }
      assertThat(c.cli("cluster", "up", "--parties", "alice,bob", "--base-port", base).code()).isZero();
      assertThat(c.config().parties().get(1).pid()).as("bob not started again").isEqualTo(bob);
      c.ok("cluster", "down");
      TestCluster.Result after = c.cli("list");
      assertThat(after.code()).as("no cluster up is a failure, not a usage error").isEqualTo(1);
      assertThat(after.err()).contains("no cluster is up: `smpc cluster down` stopped the cluster of").contains("`smpc cluster up`");
      // a plain `cluster up` brings the stopped cluster back as it was: its parties, on its ports, its values kept
      c.ok("cluster", "up");
      assertThat(c.config().dealer().address()).endsWith(":" + base);
      assertThat(c.config().partyNames()).containsExactly("alice", "bob");
      assertThat(c.ok("list")).contains("b ");
      TestCluster.Result other = c.cli("cluster", "up", "--parties", "alice,bob,dave");
      assertThat(other.code()).isEqualTo(2);
      assertThat(other.err()).contains("describes another cluster (alice,bob, base port " + base + "; asked for alice,bob,dave, base port "
          + base + ")");
      TestCluster.Result bits = c.cli("cluster", "up", "--frac-bits", "20");
      assertThat(bits.code()).isEqualTo(2);
      assertThat(bits.err()).contains("describes a cluster of 16 fractional bits, asked for 20");
      c.ok("cluster", "down");
      assertThat(c.ok("cluster", "down")).as("down twice").startsWith("nothing to stop: the cluster of").endsWith("is down already\n");

      // a port another process holds: refused by name before any process starts, and nothing half-started
      int davePort = Integer.parseInt(base) + 3;
      try (ServerSocket taken = new ServerSocket(davePort, 1, InetAddress.getLoopbackAddress())) {
        java.util.Map<Path, Long> logs = new java.util.HashMap<>();
        try (var files = Files.list(c.dir.resolve("logs"))) {
          for (Path f : files.toList()) logs.put(f, Files.size(f));
        }
        TestCluster.Result refused = c.cli("cluster", "up", "--parties", "alice,bob,dave", "--base-port", base);
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err()).contains("port " + davePort + " for dave is in use on this machine by another process;"
            + " choose another --base-port");
        for (var log : logs.entrySet()) assertThat(Files.size(log.getKey())).as("%s: nothing started", log.getKey()).isEqualTo(log.getValue());
        assertThat(c.dir.resolve("logs").resolve("dave.log")).as("nothing started").doesNotExist();
      }

      c.ok("cluster", "up", "--parties", "alice,bob,dave", "--base-port", base);
      assertThat(Files.exists(c.dir.resolve("certs").resolve("dave.pem"))).as("dave's certificate issued").isTrue();
      assertThat(c.ok("status")).doesNotContain("DOWN").contains("dave");
      assertThat(c.ok("list")).contains("b ").doesNotContain(" a ");
      c.ok("input", "--party", "dave", "--name", "d", "40");
      assertThat(c.ok("eval", "b + d", "--reveal-to", "dave")).isEqualTo("42\n");
      assertThat(c.ok("reset", "--yes")).isEqualTo("alice: deleted 0 values\nbob: deleted 2 values\ndave: deleted 1 value\n");
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor()).isZero();
  }

  /** The CLI as a process started elsewhere, with a cluster file whose certificate path is relative to the file. */
  @Test
  void theCliFromAnotherWorkingDirectoryFindsTheCertificates() throws Exception {
    try (TestCluster c = TestCluster.start("alice", "bob")) {
      Path relative = c.dir.resolve("relative.json");
      Files.writeString(relative, Files.readString(c.file).replace(c.dir.resolve("certs").toString(), "certs"));
      assertThat(Files.readString(relative)).contains("\"dir\" : \"certs\"");
      Path elsewhere = Files.createTempDirectory("smpc-elsewhere");
      try {
        Out status = smpc(elsewhere, "--cluster", relative.toString(), "status");
        assertThat(status.code()).as(status.text()).isZero();
        assertThat(status.text()).contains("alice").doesNotContain("DOWN");
        Out input = smpc(elsewhere, "--cluster", c.file.toString(), "input", "--party", "alice", "--name", "x", "7");
        assertThat(input.code()).as(input.text()).isZero();
        // certificates expected but gone: said, with what to run, never a plaintext attempt
        Path moved = Files.createTempDirectory("smpc-nocerts");
        Path orphan = moved.resolve("cluster.json");
        Files.copy(relative, orphan);
        Out missing = smpc(elsewhere, "--cluster", orphan.toString(), "list");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.text()).contains("TLS: cannot read " + moved.resolve("certs")).contains("smpc certs init");
        LocalCluster.deleteTree(moved);
      } finally {
        LocalCluster.deleteTree(elsewhere);
      }
    }
  }

  record Out(int code, String text) {}

  static Out smpc(Path workingDir, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "smpc.cli.Smpc"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workingDir.toFile()).redirectErrorStream(true);
    pb.environment().remove("SMPC_CLUSTER");
    pb.environment().remove("SMPC_TLS_DIR");
    Process p = pb.start();
    String text = new String(p.getInputStream().readAllBytes());
    return new Out(p.waitFor(), text);
  }
}
