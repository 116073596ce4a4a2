package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import java.util.List;
import org.junit.jupiter.api.Test;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.net.Grpc;
import smpc.proto.DealerGrpc;
import smpc.proto.NameRequest;
import smpc.proto.PartyGrpc;
import smpc.proto.StatusReply;
import smpc.proto.StatusRequest;
import smpc.sdk.Cluster;
import smpc.sdk.SmpcException;

/**
 * 1,000 sessions that fail midway (a shared value one party no longer holds) leave nothing behind:
 * no active session, no buffered peer message, no dealer session, the same stored values, no heap growth
 * after a full collection (jcmd); and the next session succeeds.
 */
class LeakIT {
  @Test
  void aThousandFailedSessionsLeakNothing() throws Exception {
    try (TestCluster cluster = TestCluster.start("alice", "bob", "carol")) {
      cluster.ok("input", "--party", "alice", "--name", "v", "1", "2", "3");
      cluster.ok("share", "v", "--with", "bob,carol", "--name", "vs");
      cluster.ok("input", "--party", "bob", "--name", "w", "4");
      var config = cluster.config();
      ManagedChannel carol = Grpc.channel(config.parties().get(2).address(), config.identity("client-carol"));
      try {
        PartyGrpc.newBlockingStub(carol).deleteValue(NameRequest.newBuilder().setName("vs").build());
      } finally {
        Grpc.close(carol);
      }
      List<StatusReply> before = statuses(config);
      int failed = 0;
      long[] warm = null;
      try (Cluster c = cluster.sdk()) {
        List<Compiler.Output> out = List.of(Compiler.Output.reveal(Parser.parse("vs * vs + w"), "alice"));
        var info = c.catalog(List.of("alice", "bob")); // carol no longer lists vs: ask the others for its metadata
        for (int i = 0; i < 1000; i++) {
          if (i == 100) warm = heapsAfterGc(cluster); // caches and JIT'd code are in place by now
          try {
            c.sessions().evaluate(out, config.partyNames(), info);
          } catch (SmpcException e) {
            assertThat(e.getMessage()).contains("vs");
            failed++;
          }
        }
        assertThat(failed).isEqualTo(1000);
        assertThat(c.evaluate(List.of(Compiler.Output.reveal(Parser.parse("w * 2"), "bob")), config.partyNames()).revealed().get(0))
            .containsExactly(8);
      }
      long[] last = heapsAfterGc(cluster);
      for (int p = 0; p < 3; p++) {
        assertThat(last[p] - warm[p]).as("heap growth of %s over 900 failed sessions (%d -> %d KiB)",
            config.partyNames().get(p), warm[p] >> 10, last[p] >> 10).isLessThan(8L << 20);
      }
      List<StatusReply> after = statuses(config);
      for (int p = 0; p < 3; p++) {
        StatusReply a = after.get(p);
        assertThat(a.getActiveSessions()).as(a.getName()).isZero();
        assertThat(a.getPendingMessages()).as(a.getName()).isZero();
        assertThat(a.getBufferedBytes()).as(a.getName()).isZero();
        assertThat(a.getStoredValues()).as(a.getName()).isEqualTo(before.get(p).getStoredValues());
      }
      assertThat(after.get(3).getActiveSessions()).as("dealer sessions").isLessThanOrEqualTo(5);
    }
  }

  /** Each party's live heap after a full collection, from the JDK's jcmd. */
  static long[] heapsAfterGc(TestCluster cluster) throws Exception {
    java.nio.file.Path jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> names = cluster.config().partyNames();
    long[] out = new long[names.size()];
    for (int p = 0; p < out.length; p++) {
      String pid = Long.toString(cluster.pid(names.get(p)));
      run(jcmd.toString(), pid, "GC.run");
      for (String line : run(jcmd.toString(), pid, "GC.heap_info").split("\n")) {
        if (line.contains("Metaspace") || line.contains("class space")) continue;
        var m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(line);
        if (m.find()) out[p] += Long.parseLong(m.group(1)) << 10;
      }
      assertThat(out[p]).as("heap of %s read from jcmd", names.get(p)).isPositive();
    }
    return out;
  }

  private static String run(String... command) throws Exception {
    Process proc = new ProcessBuilder(command).redirectErrorStream(true).start();
    String text = new String(proc.getInputStream().readAllBytes());
    assertThat(proc.waitFor()).as("%s: %s", String.join(" ", command), text).isZero();
    return text;
  }

  static List<StatusReply> statuses(smpc.sdk.ClusterConfig config) {
    List<StatusReply> out = new java.util.ArrayList<>();
    for (var n : config.parties()) {
      ManagedChannel ch = Grpc.channel(n.address(), config.identity());
      try {
        out.add(PartyGrpc.newBlockingStub(ch).status(StatusRequest.getDefaultInstance()));
      } finally {
        Grpc.close(ch);
      }
    }
    ManagedChannel ch = Grpc.channel(config.dealer().address(), config.identity());
    try {
      out.add(DealerGrpc.newBlockingStub(ch).status(StatusRequest.getDefaultInstance()));
    } finally {
      Grpc.close(ch);
    }
    return out;
  }
}
