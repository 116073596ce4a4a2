package smpc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import smpc.core.expr.Expr;
import smpc.core.ml.LogisticRegression;
import smpc.sdk.Cluster;
import smpc.sdk.Logreg;
import smpc.sdk.SmpcException;

/**
 * {@code smpc logreg}: logistic regression trained on secret-shared data. Each party's rows are read
 * from its CSV file by this CLI and stored on that party as a private value (run it where the files
 * may be read: in a deployment, at the data's owner), then every step runs on shares.
 */
@Command(name = "logreg", mixinStandardHelpOptions = true, description = "Logistic regression on secret-shared data.",
    subcommands = {LogregCommand.Train.class, LogregCommand.Predict.class})
final class LogregCommand {
  @picocli.CommandLine.Mixin ClusterOptions cluster; // accepted everywhere, as before (scripts pass it to every command)
  @Spec CommandSpec spec;

  /** A party's CSV file: P:FILE (features or rows) or P:FILE:COLUMN (labels). */
  record Source(String party, Path file, String column) {
    static Source parse(String text, boolean withColumn) {
      String[] p = text.split(":", withColumn ? 3 : 2);
      if (p.length != (withColumn ? 3 : 2) || p[0].isBlank() || p[1].isBlank() || (withColumn && p[2].isBlank())) {
        throw SmpcException.usage("expected %s, got '%s'", withColumn ? "PARTY:FILE.csv:COLUMN" : "PARTY:FILE.csv", text);
      }
      return new Source(p[0], Path.of(p[1]), withColumn ? p[2] : null);
    }
  }

  /** A CSV table: its header and rows of numbers. */
  record Table(List<String> header, double[][] rows) {
    static Table read(Path file) {
      List<InputCommand.Csv.Line> lines = InputCommand.Csv.numbered(file);
      List<String> header = InputCommand.Csv.fields(lines.get(0).text());
      double[][] rows = new double[lines.size() - 1][];
      for (int i = 1; i < lines.size(); i++) {
        List<String> f = InputCommand.Csv.fields(lines.get(i).text());
        int line = lines.get(i).number();
        if (f.size() != header.size()) {
          throw SmpcException.usage("%s line %d has %d fields, the header %d", file, line, f.size(), header.size());
        }
        rows[i - 1] = new double[f.size()];
        for (int j = 0; j < f.size(); j++) {
          rows[i - 1][j] = InputCommand.Csv.number(f.get(j), file.getFileName() + " line " + line).doubleValue();
        }
      }
      return new Table(header, rows);
    }

    int column(String name, Path file) {
      return InputCommand.Csv.index(header, name, file);
    }

    /** The columns except {@code skip} (-1 for none), row-major. */
    double[] features(int skip) {
      int d = header.size() - (skip >= 0 ? 1 : 0);
      double[] out = new double[rows.length * d];
      for (int i = 0; i < rows.length; i++) {
        int k = 0;
        for (int j = 0; j < header.size(); j++) if (j != skip) out[i * d + k++] = rows[i][j];
      }
      return out;
    }

    long[] labels(int col, Path file) {
      long[] y = new long[rows.length];
      for (int i = 0; i < y.length; i++) {
        double v = rows[i][col];
        if (v != 0 && v != 1) throw SmpcException.usage("labels must be 0 or 1: %s line %d has %s", file, i + 2, v);
        y[i] = (long) v;
      }
      return y;
    }
  }

  static BigDecimal[] decimals(double[] v) {
    BigDecimal[] out = new BigDecimal[v.length];
    for (int i = 0; i < v.length; i++) out[i] = BigDecimal.valueOf(v[i]);
    return out;
  }

  static String temp(String what) {
    return "_logreg_" + Long.toHexString(System.nanoTime()) + "_" + what;
  }

  @Command(name = "train", mixinStandardHelpOptions = true, description = {
      "Train a model on secret-shared data.",
      "The data is vertically split (--features P:FILE.csv [--features Q:FILE.csv ...] " +
      "--labels R:FILE.csv:COLUMN: each party some columns of the same rows, in file order) or horizontally " +
      "split (--rows P:FILE.csv --rows Q:FILE.csv --label COLUMN). Feature CSVs have a header row and every " +
      "column is a feature. Standardisation (training mean and deviation per column) is computed on shares.",
      "Prints a progress bar with the loss per epoch (to stderr) and the training accuracy."})
  static final class Train implements Callable<Integer> {
    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin ClusterOptions cluster;
    @picocli.CommandLine.Mixin RoundingOption rounding;

    @Option(names = "--features", paramLabel = "P:FILE.csv", description = "Every column of FILE is a feature; P holds them (repeat per party: the columns side by side).")
    List<String> features = List.of();

    @Option(names = "--labels", paramLabel = "Q:FILE.csv:COLUMN", description = "The 0/1 labels, held by Q.")
    String labels;

    @Option(names = "--rows", paramLabel = "P:FILE.csv", description = "Rows held by P: features and the --label column (repeat per party).")
    List<String> rows = List.of();

    @Option(names = "--label", paramLabel = "COLUMN", description = "With --rows: the label column (name or 1-based index).")
    String label;

    @Option(names = "--epochs", defaultValue = "10", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "32", description = "Rows per step, in file order (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--learning-rate", defaultValue = "0.5", description = "Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--name", paramLabel = "MODEL", description = "Keep the model shared under this name (for predict).")
    String name;

    @Option(names = "--reveal-to", paramLabel = "P", description = "Reveal the weights and intercept (standardised features) to P.")
    String revealTo;

    @Option(names = "--report-to", paramLabel = "P", description = "Who learns the loss per epoch and the accuracy (default: --reveal-to, else the labels' holder).")
    String reportTo;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    @Option(names = "--explain", description = {"Run no session: show what the training discloses to whom, whose consent it " +
        "needs and what it costs (all its sessions added up); the inputs are stored only for the preview, then deleted."})
    boolean explain;

    @Option(names = "--history", paramLabel = "FILE.csv", description = "Write the loss per epoch (epoch,loss) to FILE.")
    Path history;

    @Option(names = "--id-column", paramLabel = "COLUMN", description = {"Every --features and --labels file has this id column: the rows are " +
        "matched by private alignment (smpc align) and only the ids all files share are trained on."})
    String idColumn;

    @Override
    public Integer call() {
      if (name == null && revealTo == null) throw SmpcException.usage("say where the model goes: --name MODEL and/or --reveal-to P");
      LogisticRegression.Schedule schedule;
      try {
        schedule = new LogisticRegression.Schedule(epochs, batchSize, learningRate);
      } catch (IllegalArgumentException e) {
        throw SmpcException.usage("%s", e.getMessage());
      }
      List<String> created = new ArrayList<>();
      try (Cluster c = rounding.apply(cluster.connect().withTimeout(Duration.ofSeconds(Math.max(cluster.timeoutSeconds(), 600))))) {
        if (name != null && c.catalog().contains(name)) throw SmpcException.usage("value '%s' already exists", name);
        int d, n;
        String labelOwner;
        Expr xExpr, yExpr;
        String x = temp("x"), y = temp("y");
        if (!features.isEmpty() || labels != null) {
          if (features.isEmpty() || labels == null || !rows.isEmpty()) {
            throw SmpcException.usage("vertically split training needs --features and --labels (and no --rows)");
          }
          Source ls = Source.parse(labels, true);
          c.vm(ls.party());
          if (idColumn != null) {
            AlignedFeatures a = AlignedFeatures.input(c, features, ls, idColumn, "x", created);
            d = a.columns();
            n = a.rows();
            labelOwner = ls.party();
            xExpr = a.x();
            yExpr = new Expr.Ref(a.y());
          } else {
            Table lt = Table.read(ls.file());
            long[] yv = lt.labels(lt.column(ls.column(), ls.file()), ls.file());
            SplitFeatures split = SplitFeatures.input(c, features, lt.rows().length, ls.file(), "x", created);
            d = split.columns();
            n = lt.rows().length;
            created.add(y); // before the upload: one cancelled (Ctrl-C) may still have been stored
            c.input(ls.party(), y, yv);
            labelOwner = ls.party();
            xExpr = split.x();
            yExpr = new Expr.Ref(y);
          }
        } else {
          if (idColumn != null) throw SmpcException.usage("--id-column goes with --features and --labels (rows of --rows are not matched)");
          if (rows.isEmpty() || label == null) {
            throw SmpcException.usage("give --features P:FILE.csv --labels Q:FILE.csv:COLUMN, or --rows P:FILE.csv ... --label COLUMN");
          }
          List<Expr> xs = new ArrayList<>(), ys = new ArrayList<>();
          d = -1;
          n = 0;
          for (String r : rows) {
            Source s = Source.parse(r, false);
            c.vm(s.party());
            Table t = Table.read(s.file());
            int col = t.column(label, s.file());
            if (d >= 0 && t.header().size() - 1 != d) throw SmpcException.usage("%s has %d features, the others %d", s.file(), t.header().size() - 1, d);
            d = t.header().size() - 1;
            n += t.rows().length;
            String xp = temp("x" + xs.size()), yp = temp("y" + ys.size());
            created.add(xp); // before the uploads: one cancelled (Ctrl-C) may still have been stored
            c.inputReal(s.party(), xp, decimals(t.features(col)));
            created.add(yp);
            c.input(s.party(), yp, t.labels(col, s.file()));
            xs.add(new Expr.Ref(xp));
            ys.add(new Expr.Ref(yp));
          }
          xExpr = xs.size() == 1 ? xs.get(0) : new Expr.Call("concat", xs);
          yExpr = ys.size() == 1 ? ys.get(0) : new Expr.Call("concat", ys);
          labelOwner = Source.parse(rows.get(0), false).party();
        }
        if (d < 1) throw SmpcException.usage("the features have no columns");
        String report = reportTo != null ? reportTo : revealTo != null ? revealTo : labelOwner;
        c.vm(report);
        if (explain) return Explain.print(Logreg.explainTrain(c, xExpr, yExpr, n, d, schedule, name, revealTo, report), json,
            spec.commandLine().getOut());
        PrintWriter err = spec.commandLine().getErr();
        Logreg.Result result;
        List<Double> losses = new ArrayList<>();
        // a bar redraws its line with \r: only on a terminal; redirected, one plain line per epoch
        boolean terminal = Agent.terminal();
        // the bar counts hundredths of an epoch: the losses come a session (Logreg.EPOCHS_PER_SESSION epochs) at a time,
        // and meanwhile the session's round progress moves the bar through that session's epochs (not the setup's)
        int[] span = {0, 0}; // the running session's epochs (from, to]; none before the first
        try (ProgressBar bar = !terminal ? null : new ProgressBarBuilder().setTaskName("training").setInitialMax(epochs * 100L)
            .setUnit(" epochs", 100).setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.DelegatingProgressBarConsumer(line -> {
              err.print('\r' + line);
              err.flush();
            }, 100)).continuousUpdate().build()) {
          if (bar != null) c.onProgress((done, total) -> {
            long from = span[0] * 100L, width = (span[1] - span[0]) * 100L;
            if (total > 0) bar.stepTo(Math.max(bar.getCurrent(), from + width * Math.min(done, total) / total));
          });
          result = Logreg.train(c, xExpr, yExpr, n, d, schedule, name, revealTo, report, new Logreg.Progress() {
            @Override
            public void session(int from, int to) {
              span[0] = from;
              span[1] = to;
            }

            @Override
            public void epoch(int epoch, double loss) {
              if (bar != null) {
                bar.stepTo(epoch * 100L);
                bar.setExtraMessage(String.format("loss %.4f", loss));
              } else {
                err.printf("epoch %d/%d loss %.4f%n", epoch, epochs, loss);
                err.flush();
              }
              losses.add(loss);
            }
          });
        }
        c.onProgress((done, total) -> {}); // the bar is gone
        if (terminal) err.println();
        err.flush();
        if (history != null) SplitFeatures.writeHistory(history, losses);
        PrintWriter out = spec.commandLine().getOut();
        double[] weights = result.weights();
        if (json) {
          ObjectNode o = Results.JSON.createObjectNode().put("rows", n).put("features", d).put("epochs", epochs)
              .put("train_accuracy", (double) result.correct() / n).put("seconds", result.seconds());
          if (name != null) o.put("model", name);
          if (weights != null) {
            var a = o.putArray("weights");
            for (int i = 0; i < d; i++) a.add(weights[i]);
            o.put("intercept", weights[d]);
          }
          out.println(Results.JSON.valueToTree(o));
        } else {
          if (weights != null) {
            for (int i = 0; i < d; i++) out.printf("w%d %.4f%n", i + 1, weights[i]);
            out.printf("intercept %.4f%n", weights[d]);
          }
          out.printf("training accuracy %.2f%% (%d of %d rows), %d epochs in %.1f s%s%n", 100.0 * result.correct() / n,
              result.correct(), n, epochs, result.seconds(), name != null ? ", model kept shared as " + name : "");
        }
        return 0;
      } finally {
        if (!created.isEmpty()) {
          try (Cluster c = cluster.connect()) {
            for (String v : created) {
              try {
                c.delete(v);
              } catch (RuntimeException ignored) {
                // already gone
              }
            }
          }
        }
      }
    }
  }

  @Command(name = "predict", mixinStandardHelpOptions = true, description = {
      "Predict: probabilities of class 1 for new rows, revealed to one party only.",
      "Computed on shares with a model kept by train --name. Prints one probability per line (--json: one object)."})
  static final class Predict implements Callable<Integer> {
    @Spec CommandSpec spec;
    @picocli.CommandLine.Mixin ClusterOptions cluster;
    @picocli.CommandLine.Mixin RoundingOption rounding;

    @Option(names = "--model", required = true, description = "The model's name.")
    String model;

    @Option(names = "--features", required = true, paramLabel = "P:FILE.csv", description = "The rows, held by P (repeat per party: the columns side by side, as in training).")
    List<String> features;

    @Option(names = "--reveal-to", required = true, paramLabel = "P", description = "The only party that learns the probabilities.")
    String revealTo;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--id-column", paramLabel = "COLUMN", description = {"Every --features file has this id column: rows are matched by private " +
        "alignment, and the recipient (one of the --features parties: it learns the common ids) gets id,probability lines."})
    String idColumn;

    @Override
    public Integer call() {
      if (idColumn != null) return aligned();
      List<String> created = new ArrayList<>();
      try (Cluster c = rounding.apply(cluster.connect())) {
        c.vm(revealTo);
        c.catalog().resolve(model);
        try {
          SplitFeatures split = SplitFeatures.input(c, features, -1, null, "px", created);
          double[] p = Logreg.predict(c, model, split.x(), split.rows(), split.columns(), revealTo);
          PrintWriter out = spec.commandLine().getOut();
          if (json) {
            ObjectNode o = Results.JSON.createObjectNode().put("model", model).put("party", revealTo);
            var a = o.putArray("probabilities");
            for (double v : p) a.add(v);
            out.println(Results.JSON.valueToTree(o));
          } else {
            for (double v : p) out.printf("%.4f%n", v);
          }
          return 0;
        } finally {
          for (String v : created) c.delete(v);
        }
      }
    }

    /** Predictions for the rows every party has, as id,probability lines with a header (JSON: ids beside them). */
    private int aligned() {
      List<String> created = new ArrayList<>();
      try (Cluster c = cluster.connect()) {
        c.vm(revealTo);
        c.catalog().resolve(model);
        List<String> holders = features.stream().map(f -> Source.parse(f, false).party()).toList();
        if (!holders.contains(revealTo)) {
          throw SmpcException.usage("with --id-column the recipient must be one of the --features parties (%s): it learns the common ids",
              String.join(", ", holders));
        }
        try {
          AlignedFeatures a = AlignedFeatures.input(c, features, null, idColumn, "px", created);
          List<String> ids = a.ids().get(revealTo);
          double[] p = Logreg.predict(c, model, a.x(), a.rows(), a.columns(), revealTo);
          PrintWriter out = spec.commandLine().getOut();
          if (json) {
            ObjectNode o = Results.JSON.createObjectNode().put("model", model).put("party", revealTo);
            var idArray = o.putArray("ids");
            ids.forEach(idArray::add);
            var a2 = o.putArray("probabilities");
            for (double v : p) a2.add(v);
            out.println(Results.JSON.valueToTree(o));
          } else {
            out.println(AlignedFeatures.csv(idColumn) + ",probability");
            for (int k = 0; k < p.length; k++) out.printf("%s,%.4f%n", AlignedFeatures.csv(ids.get(k)), p[k]);
          }
          return 0;
        } finally {
          for (String v : created) c.delete(v);
        }
      }
    }
  }
}
