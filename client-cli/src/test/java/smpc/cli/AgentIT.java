package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The launcher ({@code ./smpc}) as a user runs it, with the agent on: the first command runs in its own JVM and
 * starts an agent; the next ones run in the agent with the same output, errors and exit codes (the owner's consent
 * still required); `smpc agent stop` ends it. Sockets go to a directory of this test's (XDG_RUNTIME_DIR), and every
 * agent it started is stopped, by PID if need be, also when it fails.
 */
class AgentIT {
  record Out(int code, String out, String err) {}

  @Test
  void commandsRunInTheAgentExactlyAsInTheirOwnJvm() throws Exception {
    Path runtime = Files.createTempDirectory("smpc-agent-it");
    Path work = Files.createTempDirectory("smpc-agent-work");
    try (TestCluster c = TestCluster.start("alice", "bob")) {
      Map<String, String> env = Map.of("XDG_RUNTIME_DIR", runtime.toString(), "SMPC_CLUSTER", c.file.toString());
      Out first = smpc(work, env, "input", "--party", "alice", "--name", "a", "25");
      assertThat(first.code()).as(first.err()).isZero();
      assertThat(first.out()).isEqualTo("stored a on alice (scalar)\n");
      Path socket = awaitSocket(runtime);
      assertThat(AgentClient.privateDir(socket.getParent())).as("the sockets' directory is this user's only").isTrue();

      assertThat(smpc(work, env, "input", "--party", "bob", "--name", "b", "50").out()).isEqualTo("stored b on bob (scalar)\n");
      Out seed = smpc(work, env, "eval", "(a*b) - 5*(a+b)", "--reveal-to", "alice");
      assertThat(seed.code()).as(seed.err()).isZero();
      assertThat(seed.out()).isEqualTo("875\n");
      assertThat(seed.err()).contains("smpc: acted as client-alice, client-bob");
      Out status = smpc(work, env, "agent", "status");
      assertThat(status.out()).contains("1 agent running").contains("2 commands run").contains("in " + work.toRealPath());

      // a refusal reads the same, with the same exit code, as in a JVM of its own: bob's client cannot reveal alice's a
      Out refused = smpc(work, env, "--as", "bob", "eval", "a", "--reveal-to", "bob");
      Map<String, String> off = Map.of("XDG_RUNTIME_DIR", runtime.toString(), "SMPC_CLUSTER", c.file.toString(), "SMPC_AGENT", "off");
      Out alone = smpc(work, off, "--as", "bob", "eval", "a", "--reveal-to", "bob");
      assertThat(refused.code()).isEqualTo(alone.code()).isNotZero();
      assertThat(refused.err()).startsWith("smpc: error: ");
      assertThat(refused.err().replaceAll("\\[session [^]]*]", "")).isEqualTo(alone.err().replaceAll("\\[session [^]]*]", ""));
      assertThat(smpc(work, env, "agent", "status").out()).contains("3 commands run");

      // a usage error too
      Out usage = smpc(work, env, "eval");
      assertThat(usage.code()).isEqualTo(2);
      assertThat(usage.err()).startsWith("smpc: error: Missing required parameter");

      // a command whose caller is killed (Ctrl-C) is cancelled, as it would be with its own JVM: its calls are
      // cancelled, so every party cancels the session and nothing is stored; the agent serves on
      Path big = work.resolve("big.csv");
      Files.writeString(big, "x\n" + "1234\n".repeat(1_000_000));
      assertThat(smpc(work, env, "input", "--party", "alice", "--name", "v", "--csv", big.toString(), "--column", "x").code()).isZero();
      long pid = agentPid(work, env);
      Process killed = start(work, env, "eval", "sum((v*v) > (v*3))", "--name", "cancelled");
      for (int i = 0; i < 600 && !smpc(work, env, "agent", "status").out().contains("running 1 now"); i++) Thread.sleep(50);
      killed.destroy();
      assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
      for (int i = 0; i < 300 && !smpc(work, env, "agent", "status").out().contains(", idle for "); i++) Thread.sleep(100);
      Out after = smpc(work, env, "list");
      assertThat(after.code()).as(after.err()).isZero();
      assertThat(after.out()).contains("v ").doesNotContain("cancelled");
      assertThat(agentPid(work, env)).as("the same agent").isEqualTo(pid);

      // a file named by the caller's own stdin (or a <(...) descriptor) is read in the caller's JVM, not the agent's
      Out piped = run(launcher(work, env, "input", "--party", "bob", "--name", "piped", "--csv", "/dev/stdin", "--column", "x")
          .redirectInput(ProcessBuilder.Redirect.from(big.toFile())), "input --csv /dev/stdin");
      assertThat(piped.out()).as(piped.err()).isEqualTo("stored piped on bob (1000000 elements)\n");

      // an agent that does not answer (stopped) costs its caller 5 s, then the command runs in its own JVM; and
      // `agent stop` kills it
      signal("-STOP", pid);
      try {
        Out stalled = smpc(work, env, "list");
        assertThat(stalled.code()).isZero();
        assertThat(stalled.err()).contains("did not answer within 5 s: running the command here");
        assertThat(smpc(work, env, "agent", "stop").out()).isEqualTo("stopped 1 agent (1 killed: it did not answer)\n");
        assertThat(socket).doesNotExist();
      } finally {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }

      // `cluster up` (here: again, on the running cluster, which it leaves as it is) starts the agent for what follows;
      // `agent stop` waits for it to exit, and it removes its socket
      String dealer = c.config().dealer().address();
      Out up = smpc(work, env, "cluster", "up", "--parties", "alice,bob", "--base-port", dealer.substring(dealer.lastIndexOf(':') + 1));
      assertThat(up.code()).as(up.err()).isZero();
      long last = awaitAgent(work, env);
      assertThat(last).isNotEqualTo(pid);
      // --here stops only this directory's agent: from another directory, none
      assertThat(smpc(runtime, env, "agent", "stop", "--here").out()).isEqualTo("stopped 0 agents\n");
      assertThat(ProcessHandle.of(last).map(ProcessHandle::isAlive)).as("another directory's agent").contains(true);
      assertThat(smpc(work, env, "agent", "stop", "--here").out()).isEqualTo("stopped 1 agent\n");
      assertThat(ProcessHandle.of(last).map(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join().isAlive()).orElse(false)).isFalse();
      assertThat(socket).as("the agent removes its socket as it exits").doesNotExist();

      // a cluster of the launcher's own: `cluster up` starts its agent, `cluster down` stops it with the cluster
      Path own = Files.createTempDirectory(work, "own");
      Map<String, String> ownEnv = Map.of("XDG_RUNTIME_DIR", runtime.toString(), "SMPC_CLUSTER", own.resolve("cluster.json").toString());
      Out ownUp = null;
      for (int attempt = 0; attempt < 3 && (ownUp == null || ownUp.code() != 0 && ownUp.err().contains("in use")); attempt++) {
        ownUp = smpc(work, ownEnv, "cluster", "up", "--parties", "alice,bob", "--base-port", Integer.toString(TestCluster.freeBasePort(3)));
      } // other ports when one found free was taken before its server bound it (as TestCluster.start)
      try {
        assertThat(ownUp.code()).as(ownUp.err()).isZero();
        long ownAgent = awaitAgent(work, ownEnv);
        Out down = smpc(work, ownEnv, "cluster", "down");
        assertThat(down.out()).isEqualTo("stopped alice, bob, dealer\n");
        assertThat(ProcessHandle.of(ownAgent).map(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join().isAlive()).orElse(false)).isFalse();
        assertThat(smpc(work, ownEnv, "agent", "status").out()).startsWith("0 agents running");
      } finally {
        if (Files.exists(own.resolve("cluster.json"))) smpc(work, ownEnv, "cluster", "down");
      }
    } finally {
      stopAgents(runtime);
      LocalCluster.deleteTree(runtime);
      LocalCluster.deleteTree(work);
    }
  }

  static long agentPid(Path dir, Map<String, String> env) throws Exception {
    var m = java.util.regex.Pattern.compile("pid (\\d+)").matcher(smpc(dir, env, "agent", "status").out());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The PID of the agent of this context, once one answers. */
  static long awaitAgent(Path dir, Map<String, String> env) throws Exception {
    for (int i = 0; i < 300; i++) {
      long pid = agentPid(dir, env);
      if (pid > 0) return pid;
      Thread.sleep(100);
    }
    throw new AssertionError("no agent answered");
  }

  static void signal(String signal, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", signal, Long.toString(pid)).start().waitFor()).isZero();
  }

  /** ./smpc with {@code env} as its only SMPC_ variables, in {@code dir}. */
  static ProcessBuilder launcher(Path dir, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of("..", "smpc").toAbsolutePath().normalize().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("SMPC_"));
    pb.environment().putAll(env);
    return pb;
  }

  static Process start(Path dir, Map<String, String> env, String... args) throws Exception {
    return launcher(dir, env, args).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  static Out smpc(Path dir, Map<String, String> env, String... args) throws Exception {
    return run(launcher(dir, env, args), String.join(" ", args));
  }

  static Out run(ProcessBuilder pb, String what) throws Exception {
    Path out = Files.createTempFile("smpc-out", ".txt"), err = Files.createTempFile("smpc-err", ".txt");
    try {
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("smpc " + what + " did not finish");
      }
      return new Out(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  static Path awaitSocket(Path runtime) throws Exception {
    for (int i = 0; i < 600; i++) {
      try (var dirs = Files.list(runtime)) {
        for (Path d : dirs.toList()) {
          try (var files = Files.list(d)) {
            var sock = files.filter(f -> f.toString().endsWith(".sock")).findFirst();
            if (sock.isPresent()) return sock.get();
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no agent socket appeared in " + runtime);
  }

  /** Ends every agent whose socket is under {@code runtime}: by PID, since a failed test may not have stopped it. */
  static void stopAgents(Path runtime) {
    ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("smpc.cli.Agent " + runtime))
        .forEach(p -> {
          p.destroy();
          p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> {
            p.destroyForcibly();
            return p;
          }).join();
        });
  }
}
