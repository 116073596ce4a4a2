package smpc.core.expr;

import static smpc.core.Errors.invalid;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every built-in function of expressions: its name, how many arguments it takes, its usage, one line of
 * documentation and the inputs it is meant for (where it is accurate, or what it requires). The parser
 * refuses names not listed here, the compiler dispatches on it, and {@code smpc eval --help} and
 * docs/functions.md list it. Adding a function: a constant here and a case in its library's {@code call}.
 */
public enum Builtin {
  SUM(Library.BASIC, 1, Builtin.MANY, "sum(v, ...)", "the sum of a vector's elements (of several vectors: of all their elements)", "all"),
  DOT(Library.BASIC, 2, 2, "dot(u, v)", "the dot product of two vectors of equal length", "all"),
  ABS(Library.BASIC, 1, 1, "abs(x)", "the absolute value, elementwise (exact)", "all"),
  SIGN(Library.BASIC, 1, 1, "sign(x)", "-1, 0 or 1, elementwise (exact)", "all"),
  RELU(Library.BASIC, 1, 1, "relu(x)", "max(x, 0), elementwise (exact)", "all"),
  MIN(Library.BASIC, 1, 2, "min(a, b) or min(v)", "the elementwise minimum of a and b, or the smallest element of v (exact)", "all"),
  MAX(Library.BASIC, 1, 2, "max(a, b) or max(v)", "the elementwise maximum of a and b, or the largest element of v (exact)", "all"),
  ARGMAX(Library.BASIC, 1, 1, "argmax(v)", "the index of the largest element, a secret integer (the first of equal ones)", "all"),
  ARGMIN(Library.BASIC, 1, 1, "argmin(v)", "the index of the smallest element, a secret integer (the first of equal ones)", "all"),
  WHERE(Library.BASIC, 3, 3, "where(c, a, b)", "a where c is 1, b where c is 0, elementwise (a secret select)",
      "c an integer 0/1, e.g. a comparison"),
  RECIPROCAL(Library.FUNCTIONS, 1, 1, "reciprocal(x)", "1 / x, elementwise (0 where x is 0)", "0.001 <= abs(x) <= 100000"),
  EXP(Library.FUNCTIONS, 1, 1, "exp(x)", "e^x, elementwise (0 below -32, e^13.5 above 13.5)", "-16 <= x <= 10"),
  LOG(Library.FUNCTIONS, 1, 1, "log(x)", "the natural logarithm, elementwise", "0.001 <= x <= 100000"),
  SQRT(Library.FUNCTIONS, 1, 1, "sqrt(x)", "the square root, elementwise", "0.001 <= x <= 100000"),
  RSQRT(Library.FUNCTIONS, 1, 1, "rsqrt(x)", "1 / sqrt(x), elementwise", "0.001 <= x <= 100000"),
  SIGMOID(Library.FUNCTIONS, 1, 1, "sigmoid(x)", "1 / (1 + e^-x), elementwise", "all reals in range"),
  TANH(Library.FUNCTIONS, 1, 1, "tanh(x)", "the hyperbolic tangent, elementwise", "all reals in range"),
  SOFTPLUS(Library.FUNCTIONS, 1, 1, "softplus(x)", "log(1 + e^x), elementwise (the log-loss of a logit)", "all reals in range"),
  SOFTMAX(Library.FUNCTIONS, 1, 1, "softmax(v)", "e^v / sum(e^v) over a vector of at least 2 elements", "entries within [-30, 30]"),
  CONCAT(Library.STATISTICS, 1, Builtin.MANY, "concat(a, b, ...)", "the vectors one after the other", "all"),
  COUNT(Library.STATISTICS, 1, Builtin.MANY, "count(a, b, ...)", "the number of elements (public)", "all"),
  MEAN(Library.STATISTICS, 1, Builtin.MANY, "mean(a, b, ...)", "the mean of all the elements, a real", "all"),
  VARIANCE(Library.STATISTICS, 1, Builtin.MANY, "variance(a, b, ...)", "the population variance of all the elements",
      "variance below 2^30 and sum of squared deviations below 2^46 (f = 16)"),
  STDEV(Library.STATISTICS, 1, Builtin.MANY, "stdev(a, b, ...)", "the population standard deviation of all the elements",
      "as variance"),
  MEDIAN(Library.STATISTICS, 1, Builtin.MANY, "median(a, b, ...)", "the middle element (the mean of the two middle ones)",
      "at most 2000 elements"),
  HISTOGRAM(Library.STATISTICS, 3, Builtin.MANY, "histogram(a, ..., e1, e2, ...)",
      "counts per bin [e_k, e_k+1) of the secret vectors, the last bin closed (as numpy)", "at least 2 increasing public edges"),
  CORR(Library.STATISTICS, 2, 2, "corr(u, v)", "Pearson's correlation of two vectors of equal length", "as variance"),
  ISIN(Library.STATISTICS, 2, 2, "isin(a, b)", "per element of a, a secret 1 if it occurs in b, else 0", "at most 4,000,000 pairs"),
  MATVEC(Library.MATRICES, 2, 2, "matvec(X, w)", "X (row-major, rows of len(w)) times w: one value per row", "all"),
  VECMAT(Library.MATRICES, 2, 2, "vecmat(e, X)", "e (one value per row of X) times X: one value per column", "all"),
  SLICE(Library.MATRICES, 3, 3, "slice(v, offset, length)", "length elements of v from offset", "public integers within v"),
  TILE(Library.MATRICES, 2, 2, "tile(v, k)", "v repeated k times", "k a public integer, k * len(v) <= 2^26"),
  COLMEAN(Library.MATRICES, 2, 2, "colmean(X, d)", "the mean of each of the d columns of X", "d a public integer"),
  COLSTDEV(Library.MATRICES, 2, 2, "colstdev(X, d)", "the standard deviation of each of the d columns of X",
      "d a public integer; each column's variance below 2^30 (f = 16)"),
  STANDARDIZE(Library.MATRICES, 2, 3, "standardize(X, d) or standardize(X, mu, sd)",
      "(X - mean) / stdev per column, with X's own statistics or the given ones",
      "d a public integer; as colstdev, and abs((x - mean) / stdev) < 65536"),
  MATMUL(Library.LINEAR_ALGEBRA, 2, 2, "matmul(X, W)", "the matrix product X @ W: one round, n*m + m*k elements opened (a vector is a column)",
      "columns of X = rows of W"),
  TRANSPOSE(Library.LINEAR_ALGEBRA, 1, 1, "transpose(X)", "X's rows as columns (of a vector: a row)", "all"),
  HSTACK(Library.LINEAR_ALGEBRA, 2, Builtin.MANY, "hstack(A, B, ...)", "the matrices side by side: their columns, row by row", "equal numbers of rows"),
  VSTACK(Library.LINEAR_ALGEBRA, 2, Builtin.MANY, "vstack(A, B, ...)", "the matrices one above the other", "equal numbers of columns"),
  ROWS(Library.LINEAR_ALGEBRA, 3, 3, "rows(X, from, count)", "count rows of X from row from", "public integers within X"),
  COLS(Library.LINEAR_ALGEBRA, 3, 3, "cols(X, from, count)", "count columns of X from column from", "public integers within X"),
  RESHAPE(Library.LINEAR_ALGEBRA, 3, 3, "reshape(v, rows, cols)", "v's elements as a rows x cols matrix, row by row", "rows * cols = len(v)");

  /** No upper bound on the number of arguments. */
  public static final int MANY = Integer.MAX_VALUE;

  /** Which part of the compiler builds a function. */
  enum Library { BASIC, FUNCTIONS, STATISTICS, MATRICES, LINEAR_ALGEBRA }

  private static final Map<String, Builtin> BY_NAME =
      Arrays.stream(values()).collect(Collectors.toMap(Builtin::fn, Function.identity()));

  final Library library;
  private final int minArgs;
  private final int maxArgs;
  private final String usage;
  private final String doc;
  private final String domain;

  Builtin(Library library, int minArgs, int maxArgs, String usage, String doc, String domain) {
    this.library = library;
    this.minArgs = minArgs;
    this.maxArgs = maxArgs;
    this.usage = usage;
    this.doc = doc;
    this.domain = domain;
  }

  /** The function's name in expressions. */
  public String fn() {
    return name().toLowerCase(Locale.ROOT);
  }

  public int minArgs() {
    return minArgs;
  }

  /** The most arguments it takes, or {@link #MANY}. */
  public int maxArgs() {
    return maxArgs;
  }

  /** How it is called, e.g. {@code where(c, a, b)}; alternatives joined by " or ". */
  public String usage() {
    return usage;
  }

  /** What it computes, in one line. */
  public String doc() {
    return doc;
  }

  /** The inputs it is meant for: where it meets docs/functions.md's accuracy bounds, or what it requires. */
  public String domain() {
    return domain;
  }

  /** The function of this name, or null. */
  public static Builtin named(String fn) {
    return BY_NAME.get(fn);
  }

  static RuntimeException unknown(String fn) {
    return invalid("unknown function '%s' (known: %s)", fn,
        Arrays.stream(values()).map(Builtin::fn).collect(Collectors.joining(", ")));
  }
}
