package smpc.core.ml;

/**
 * The same training in double precision, in the clear: the reference the secure training is checked
 * against (standardised with the training rows' mean and population deviation, zero start, batches in
 * row order).
 */
public final class PlainLogisticRegression {
  public final double[] w;
  public double b;
  public final double[] mean;
  public final double[] sd;
  /** Each epoch's training loss: the mean log-loss of its rows, each at the weights before its batch's step. */
  public final double[] losses;

  /** Trains on rows x (n of d) with 0/1 labels y. */
  public PlainLogisticRegression(double[][] x, double[] y, LogisticRegression.Schedule s) {
    int n = x.length, d = x[0].length;
    mean = new double[d];
    sd = new double[d];
    for (int j = 0; j < d; j++) {
      for (double[] r : x) mean[j] += r[j] / n;
      for (double[] r : x) sd[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
      sd[j] = Math.sqrt(sd[j]);
    }
    double[][] z = new double[n][d];
    for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) z[i][j] = (x[i][j] - mean[j]) / sd[j];
    w = new double[d];
    losses = new double[s.epochs()];
    for (int epoch = 0; epoch < s.epochs(); epoch++) {
      for (int start = 0; start < n; start += s.batchSize()) {
        int nb = Math.min(s.batchSize(), n - start);
        double[] g = new double[d];
        double gb = 0;
        for (int i = start; i < start + nb; i++) {
          double t = dot(z[i]) + b, e = sigmoid(t) - y[i];
          losses[epoch] += (Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t))) - y[i] * t) / n;
          for (int j = 0; j < d; j++) g[j] += e * z[i][j];
          gb += e;
        }
        for (int j = 0; j < d; j++) w[j] -= s.learningRate() / nb * g[j];
        b -= s.learningRate() / nb * gb;
      }
    }
  }

  /** The probability of class 1 for a raw row. */
  public double predict(double[] row) {
    double t = b;
    for (int j = 0; j < w.length; j++) t += w[j] * (row[j] - mean[j]) / sd[j];
    return sigmoid(t);
  }

  private double dot(double[] r) {
    double t = 0;
    for (int j = 0; j < w.length; j++) t += w[j] * r[j];
    return t;
  }

  static double sigmoid(double t) {
    return 1 / (1 + Math.exp(-t));
  }
}
