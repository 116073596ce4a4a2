package smpc.sdk;

import java.util.ArrayList;
import java.util.List;
import smpc.core.expr.Compiler;
import smpc.core.expr.Expr;
import smpc.core.ml.LogisticRegression;
import smpc.core.ring.FixedPoint;
import smpc.proto.ValueInfo;

/**
 * Logistic regression trained and applied on secret-shared data: the features (n rows of d, row-major)
 * and the 0/1 labels are stored values, private to their holders or shared; nothing but the loss per
 * epoch, the accuracy and what is asked for is revealed, each to one party. One session standardises
 * the features, then one session per {@link #EPOCHS_PER_SESSION} epochs; temporaries are deleted when
 * training ends, also on failure.
 */
public final class Logreg {
  /**
   * Epochs trained in one session. Within a session the standardised features are masked and opened once
   * for all their products (every batch's z and gradient, the loss), so a session of k epochs pays that
   * opening (n·d elements per peer; 219 kB per party on the breast cancer data of 3 parties) once per k
   * epochs; the losses of its epochs arrive together when it ends. 5 makes the opening a fifth of the
   * per-epoch one while a 10-epoch training still reports twice.
   */
  public static final int EPOCHS_PER_SESSION = 5;

  /** The training's outcome: correct predictions on the training rows, the weights and intercept when revealed. */
  public record Result(long correct, int rows, double[] weights, double seconds, long rounds, long bytesSent, long dealerBytes) {}

  /** Called after every epoch with its training loss: the mean log-loss of its rows, each at the weights before its batch's step. */
  public interface Progress {
    void epoch(int epoch, double loss);

    /**
     * A session of epochs {@code from + 1} to {@code to} starts (the losses come when it ends; meanwhile the cluster's
     * {@link Cluster#onProgress} tells its rounds); the final session has from = to = the epochs.
     */
    default void session(int from, int to) {}
  }

  private Logreg() {}

  /**
   * @param x the features: an expression over stored values (a name, or the concatenation of several parties' rows)
   * @param y the labels, likewise
   * @param keepAs keep the model shared under this name (weights, intercept, column means and deviations), or null
   * @param revealTo reveal the weights and intercept to this party, or null
   * @param reportTo the party that learns the loss and the accuracy
   */
  public static Result train(Cluster c, Expr x, Expr y, int n, int d, LogisticRegression.Schedule s, String keepAs,
      String revealTo, String reportTo, Progress progress) {
    List<String> parties = c.parties();
    String id = "_logreg_" + Long.toHexString(System.nanoTime()) + "_";
    List<List<Compiler.Output>> plan = sessions(x, y, n, d, s, keepAs, revealTo, reportTo, id);
    List<String> created = new ArrayList<>();
    long t0 = System.nanoTime();
    try {
      created.addAll(List.of(id + "stats", id + "xs", id + "ys"));
      long[] totals = new long[3];
      count(totals, c.evaluate(plan.get(0), parties));
      String previous = null;
      for (int k = 1, e = 0; k < plan.size() - 1; k++) {
        int last = Math.min(s.epochs(), e + EPOCHS_PER_SESSION);
        String out = id + "m" + last;
        created.add(out);
        if (progress != null) progress.session(e, last);
        Evaluation ev = c.evaluate(plan.get(k), parties);
        count(totals, ev);
        if (previous != null) {
          c.delete(previous);
          created.remove(previous);
        }
        previous = out;
        for (int j = 0; e < last; j++) {
          e++;
          if (progress != null) progress.epoch(e, FixedPoint.decode(ev.revealed().get(j)[0], ev.scales().get(j)).doubleValue());
        }
      }
      if (progress != null) progress.session(s.epochs(), s.epochs());
      Evaluation ev = c.evaluate(plan.get(plan.size() - 1), parties);
      count(totals, ev);
      double[] weights = revealTo != null ? decode(ev, 1) : null;
      return new Result(ev.revealed().get(0)[0], n, weights, (System.nanoTime() - t0) / 1e9, totals[0], totals[1], totals[2]);
    } finally {
      for (String v : created) {
        try {
          c.delete(v);
        } catch (RuntimeException ignored) {
          // already gone, or the cluster is unreachable: nothing more to do here
        }
      }
    }
  }

  /** What {@link #train} would disclose and cost, session by session added up (smpc.sdk.Consent#explain); runs nothing. */
  public static Explanation explainTrain(Cluster c, Expr x, Expr y, int n, int d, LogisticRegression.Schedule s, String keepAs,
      String revealTo, String reportTo) {
    return c.consent().explain(sessions(x, y, n, d, s, keepAs, revealTo, reportTo, "_logreg_preview_"), c.parties());
  }

  /**
   * A training's sessions, in order: the setup (column statistics, standardised features and labels kept
   * under {@code id}), one per {@link #EPOCHS_PER_SESSION} epochs (the model after its last epoch e kept as
   * {@code id}m{e}, each epoch's training loss revealed to {@code reportTo}), and the final one
   * (accuracy to {@code reportTo}, weights to {@code revealTo}, the model kept as {@code keepAs}).
   */
  static List<List<Compiler.Output>> sessions(Expr x, Expr y, int n, int d, LogisticRegression.Schedule s, String keepAs,
      String revealTo, String reportTo, String id) {
    String stats = id + "stats", xs = id + "xs", ys = id + "ys";
    List<List<Compiler.Output>> out = new ArrayList<>();
    List<Compiler.Output> setup = new ArrayList<>();
    setup.add(Compiler.Output.let("_x", x));
    setup.add(Compiler.Output.let("_stats", LogisticRegression.stats("_x", d)));
    setup.add(Compiler.Output.store(new Expr.Ref("_stats"), stats));
    setup.add(Compiler.Output.store(LogisticRegression.standardized(new Expr.Ref("_x"), new Expr.Ref("_stats"), d), xs));
    setup.add(Compiler.Output.store(y, ys));
    out.add(setup);
    Expr model = LogisticRegression.zeros(d);
    for (int first = 1; first <= s.epochs(); first += EPOCHS_PER_SESSION) {
      int last = Math.min(s.epochs(), first + EPOCHS_PER_SESSION - 1);
      List<Compiler.Output> outs = new ArrayList<>();
      List<Compiler.Output> losses = new ArrayList<>();
      Expr m = model;
      for (int e = first; e <= last; e++) {
        outs.addAll(LogisticRegression.epoch(m, xs, ys, n, d, s, "_m" + e));
        m = new Expr.Ref("_m" + e);
        losses.add(Compiler.Output.reveal(new Expr.Ref(LogisticRegression.loss("_m" + e)), reportTo));
      }
      outs.add(Compiler.Output.store(m, id + "m" + last));
      outs.addAll(losses);
      out.add(outs);
      model = new Expr.Ref(id + "m" + last);
    }
    List<Compiler.Output> fin = new ArrayList<>();
    fin.add(Compiler.Output.reveal(LogisticRegression.correct(model, xs, ys, n, d), reportTo));
    if (revealTo != null) fin.add(Compiler.Output.reveal(model, revealTo));
    if (keepAs != null) fin.add(Compiler.Output.store(new Expr.Call("concat", List.of(model, new Expr.Ref(stats))), keepAs));
    out.add(fin);
    return out;
  }

  /** Probabilities of class 1 for the rows of the stored value {@code x} (d features each), revealed to one party. */
  public static double[] predict(Cluster c, String model, String x, int d, String revealTo) {
    ValueMeta rows = c.catalog().resolve(x);
    if (rows == null) throw SmpcException.usage("unknown value name '%s'", x);
    if (d < 1 || rows.length() % d != 0) throw SmpcException.usage("'%s' has %d values, not rows of %d features", x, rows.length(), d);
    return predict(c, model, new Expr.Ref(x), (int) (rows.length() / d), d, revealTo);
  }

  /** Probabilities of class 1 for the n rows {@code x} (d features each, over stored values), revealed to one party. */
  public static double[] predict(Cluster c, String model, Expr x, int n, int d, String revealTo) {
    ValueMeta info = c.catalog().resolve(model);
    if (info == null) throw SmpcException.usage("unknown value name '%s'", model);
    if (info.length() != 3L * d + 1) {
      throw SmpcException.usage("model '%s' has %d values; rows of %d features need a model of %d (weights, intercept, means,"
          + " deviations)", model, info.length(), d, 3 * d + 1);
    }
    Evaluation ev = c.evaluate(List.of(Compiler.Output.reveal(LogisticRegression.predict(model, x, n, d), revealTo)),
        info.parties());
    return decode(ev, 0);
  }

  private static void count(long[] totals, Evaluation ev) {
    totals[0] += ev.rounds();
    totals[1] += ev.bytesSent();
    totals[2] += ev.dealerBytes();
  }

  private static double[] decode(Evaluation ev, int output) {
    long[] raw = ev.revealed().get(output);
    double[] out = new double[raw.length];
    for (int i = 0; i < raw.length; i++) out[i] = FixedPoint.decode(raw[i], ev.scales().get(output)).doubleValue();
    return out;
  }
}
