package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import smpc.sdk.Cluster;

/** The SDK programs in examples/java, run against real party processes; each result checked. */
class ExamplesIT {
  static TestCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = TestCluster.start("alice", "bob", "carol");
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) cluster.close();
  }

  interface Example {
    void run(Cluster c, PrintStream out) throws Exception;
  }

  static String run(Example e) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (Cluster c = cluster.sdk(); PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      e.run(c, out);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void seedExample() throws Exception {
    assertThat(run(examples.SeedExample::run)).isEqualTo("PrivateScalar(875, 'alice')\n");
  }

  @Test
  void averageSalary() throws Exception {
    assertThat(run(examples.AverageSalary::run)).startsWith("mean 60888.89\nmedian 61000\nhistogram [40000, 60000): 4, [60000, 80000]: 5\n")
        .contains("stdev 8.02 thousand"); // population stdev of the nine salaries: 8016.57
  }

  @Test
  void privateMatching() throws Exception {
    assertThat(run(examples.PrivateMatching::run)).isEqualTo("alice's ids also bob's: [1, 0, 1, 0, 0]\nequal: 1\n");
  }

  @Test
  void breastCancer() throws Exception {
    String out = run((c, o) -> examples.BreastCancer.run(c, Path.of("..", "examples", "breast-cancer"), o));
    assertThat(out).contains("epoch 10 loss").contains("training accuracy 98.68%").contains("test accuracy 99.12%");
    try (Cluster c = cluster.sdk()) {
      assertThat(c.catalog().all().keySet()).noneMatch(n -> n.startsWith("bc_") || n.startsWith("_logreg_"));
    }
  }
}
