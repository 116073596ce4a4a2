package smpc.core.ml;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import smpc.core.expr.Compiler.Output;
import smpc.core.expr.Expr;
import smpc.core.expr.Operator;

/**
 * Logistic regression on secret-shared data, as expressions for the compiler: mini-batch gradient
 * descent on standardised features, an epoch's steps chained with let-outputs (so one plan holds them
 * all, and several epochs' plans can be one session's). Each step is two matrix products, z = X_b w + b and the gradient X_bᵀ (p − y),
 * each one round with a dealer matrix triple. A model is one shared vector: weights w (d), intercept b, then the training
 * data's column means (d) and standard deviations (d), so predictions standardise new rows the same way.
 */
public final class LogisticRegression {
  /** Training settings; the reference schedule is 10 epochs, batches of 32, learning rate 0.5. */
  public record Schedule(int epochs, int batchSize, double learningRate) {
    public Schedule {
      if (epochs < 1 || epochs > 1000) throw new IllegalArgumentException("epochs must be in [1, 1000], got " + epochs);
      if (batchSize < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
      if (!(learningRate > 0 && learningRate <= 100)) throw new IllegalArgumentException("learning rate must be in (0, 100], got " + learningRate);
    }
  }

  private LogisticRegression() {}

  /** The model's statistics part: column means and standard deviations of the features x (n rows of d). */
  public static Expr stats(String x, int d) {
    return call("concat", call("colmean", ref(x), num(d)), call("colstdev", ref(x), num(d)));
  }

  /** x standardised with the statistics of a model or of {@link #stats}. */
  public static Expr standardized(Expr x, Expr stats, int d) {
    return call("standardize", x, call("slice", stats, num(0), num(d)), call("slice", stats, num(d), num(d)));
  }

  /** The stored rows {@code x} (n·d elements, row-major) as an n x d matrix. */
  public static Expr matrix(Expr x, int n, int d) {
    return call("reshape", x, num(n), num(d));
  }

  /** Zero weights and intercept. */
  public static Expr zeros(int d) {
    return call("tile", new Expr.Dec(BigDecimal.ZERO), num(d + 1));
  }

  /**
   * One epoch over standardised rows xs (n of d) and labels y from the weights {@code model} ([w, b]):
   * lets for every step, and the new [w, b] as the last let, named {@code out}.
   */
  public static List<Output> epoch(Expr model, String xs, String y, int n, int d, Schedule s, String out) {
    List<Output> steps = new ArrayList<>();
    Expr w = call("slice", model, num(0), num(d)), b = call("slice", model, num(d), num(1));
    Expr x = matrix(ref(xs), n, d);
    List<Expr> zs = new ArrayList<>(), ys = new ArrayList<>();
    int step = 0;
    for (int start = 0; start < n; start += s.batchSize(), step++) {
      int nb = Math.min(s.batchSize(), n - start);
      Expr xb = call("rows", x, num(start), num(nb));
      Expr yb = call("slice", ref(y), num(start), num(nb));
      Expr z = Expr.add(new Expr.Bin(Operator.MATMUL, xb, w), b); // one node for both uses: the compiler lowers equal expressions once
      Expr e = Expr.sub(call("sigmoid", z), yb);
      zs.add(z);
      ys.add(yb);
      Expr rate = new Expr.Dec(BigDecimal.valueOf(s.learningRate()).divide(BigDecimal.valueOf(nb), java.math.MathContext.DECIMAL64));
      String wn = out + "_w" + step, bn = out + "_b" + step;
      steps.add(Output.let(wn, Expr.sub(w, Expr.mul(rate, new Expr.Bin(Operator.MATMUL, call("transpose", xb), e)))));
      steps.add(Output.let(bn, Expr.sub(b, Expr.mul(rate, call("sum", e)))));
      w = ref(wn);
      b = ref(bn);
    }
    steps.add(Output.let(out, call("concat", w, b)));
    Expr z = call("concat", zs.toArray(new Expr[0]));
    steps.add(Output.let(loss(out), call("mean", Expr.sub(call("softplus", z), Expr.mul(call("concat", ys.toArray(new Expr[0])), z)))));
    return steps;
  }

  /**
   * The name under which {@link #epoch} leaves its training loss: the mean log-loss log(1 + e^z) − y z of
   * its rows, each at the weights before its batch's step (what Keras reports as an epoch's loss). Each
   * batch's z is the one its gradient uses, so softplus of them all, after the last batch, takes the
   * sigmoids' comparisons and Chebyshev terms side by side: the loss costs its own products only, in a
   * few rounds at the epoch's end, not a forward pass and a function of its own.
   */
  public static String loss(String out) {
    return out + "_loss";
  }

  /** The number of rows whose predicted class ([z >= 0]) equals the label. */
  public static Expr correct(Expr model, String xs, String y, int n, int d) {
    Expr g = new Expr.Bin(Operator.GE, logit(model, matrix(ref(xs), n, d), d), num(0));
    Expr agree = new Expr.Bin(Operator.EQ, g, ref(y));
    return call("sum", agree);
  }

  /** Probabilities for rows x (raw features, n of d) with a full model [w, b, means, deviations]. */
  public static Expr predict(String model, Expr x, int n, int d) {
    Expr stats = call("slice", ref(model), num(d + 1), num(2L * d));
    return call("sigmoid", logit(ref(model), matrix(standardized(x, stats, d), n, d), d));
  }

  /** X w + b: one value per row of the matrix X (d columns). */
  public static Expr logit(Expr model, Expr x, int d) {
    return Expr.add(new Expr.Bin(Operator.MATMUL, x, call("slice", model, num(0), num(d))), call("slice", model, num(d), num(1)));
  }

  private static Expr call(String fn, Expr... args) {
    return new Expr.Call(fn, List.of(args));
  }

  private static Expr ref(String name) {
    return new Expr.Ref(name);
  }

  private static Expr num(long v) {
    return new Expr.Num(v);
  }
}
