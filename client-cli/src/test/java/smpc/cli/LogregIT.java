package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import smpc.core.ml.LogisticRegression;
import smpc.core.ml.PlainLogisticRegression;

/**
 * Logistic regression on the breast cancer data through the CLI and real party processes, with the
 * reference schedule (zero start, 10 epochs, batches of 32, learning rate 0.5, rows in file order),
 * against the same training in double precision: every weight within 0.05, test accuracy within 1 point.
 */
class LogregIT {
  static final Path DATA = Path.of("..", "examples", "breast-cancer");

  static double[][] table(String file) throws Exception {
    List<String> lines = Files.readAllLines(DATA.resolve(file));
    return lines.stream().skip(1).filter(l -> !l.isBlank())
        .map(l -> java.util.Arrays.stream(l.split(",")).mapToDouble(Double::parseDouble).toArray()).toArray(double[][]::new);
  }

  @ParameterizedTest(name = "{0} parties")
  @ValueSource(ints = {2, 3})
  void trainsLikePlainFloatingPointAndPredictsTheTestRows(int n) throws Exception {
    double[][] x = table("train_features.csv"), xt = table("test_features.csv");
    double[] y = java.util.Arrays.stream(table("train_labels.csv")).mapToDouble(r -> r[0]).toArray();
    double[] yt = java.util.Arrays.stream(table("test_labels.csv")).mapToDouble(r -> r[0]).toArray();
    PlainLogisticRegression plain = new PlainLogisticRegression(x, y, new LogisticRegression.Schedule(10, 32, 0.5));
    int plainCorrect = 0;
    for (int i = 0; i < xt.length; i++) plainCorrect += (plain.predict(xt[i]) >= 0.5 ? 1 : 0) == yt[i] ? 1 : 0;

    List<String> parties = n == 2 ? List.of("alice", "bob") : List.of("alice", "bob", "carol");
    try (TestCluster cluster = TestCluster.start(parties.toArray(String[]::new))) {
      // 3 parties: vertically split (alice the features, bob the labels); 2: horizontally (rows from both)
      String[] train = n == 3
          ? new String[] {"logreg", "train", "--features", "alice:" + DATA.resolve("train_features.csv"),
              "--labels", "bob:" + DATA.resolve("train_labels.csv") + ":benign", "--name", "bc", "--reveal-to", "alice", "--json"}
          : new String[] {"logreg", "train", "--rows", "alice:" + DATA.resolve("train_rows_alice.csv"),
              "--rows", "bob:" + DATA.resolve("train_rows_bob.csv"), "--label", "benign", "--name", "bc", "--reveal-to", "alice", "--json"};
      TestCluster.Result r = cluster.cli(train);
      assertThat(r.code()).as(r.err()).isZero();
      assertThat(r.err()).contains("10/10").contains("loss");
      JsonNode j = new ObjectMapper().readTree(r.out());
      for (int k = 0; k < 30; k++) assertThat(j.get("weights").get(k).asDouble()).as("w%d", k + 1).isCloseTo(plain.w[k], offset(0.05));
      assertThat(j.get("intercept").asDouble()).isCloseTo(plain.b, offset(0.05));
      assertThat(j.get("train_accuracy").asDouble()).isGreaterThan(0.95);

      String out = cluster.ok("logreg", "predict", "--model", "bc", "--features", "alice:" + DATA.resolve("test_features.csv"),
          "--reveal-to", "alice");
      double[] p = out.lines().mapToDouble(Double::parseDouble).toArray();
      assertThat(p).hasSize(xt.length);
      int correct = 0;
      for (int i = 0; i < p.length; i++) {
        correct += (p[i] >= 0.5 ? 1 : 0) == yt[i] ? 1 : 0;
        assertThat(p[i]).isCloseTo(plain.predict(xt[i]), offset(0.02));
      }
      assertThat(100.0 * correct / xt.length).isCloseTo(100.0 * plainCorrect / xt.length, offset(1.0));
      assertThat(cluster.ok("list")).doesNotContain("_logreg_"); // temporaries are gone
    }
  }
}
