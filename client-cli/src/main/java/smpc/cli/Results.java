package smpc.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import smpc.core.ring.FixedPoint;
import smpc.sdk.SmpcException;

/**
 * How revealed values are printed: one per line (a matrix one row per line, its columns separated by commas,
 * as CSV), reals as decimals with the digits their fractional bits carry (or --digits N); or one JSON object whose reals are exact (a fixed-point value is a binary fraction,
 * so its decimal expansion is finite: full precision, for whoever rounds it later).
 */
final class Results {
  static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  /** Enough for the exact value of any 64-bit fixed-point number (at most 64 fractional binary digits). */
  static final int MAX_DIGITS = 64;

  private Results() {}

  /** @param digits decimals of reals, or null for the default of {@link FixedPoint#display} */
  /** @param cols a matrix's columns, 0 for a vector */
  static void print(PrintWriter out, long[] values, int scale, long cols, int fracBits, Integer digits) {
    if (digits != null && (digits < 0 || digits > MAX_DIGITS)) {
      throw SmpcException.usage("--digits must be between 0 and %d, got %d", MAX_DIGITS, digits);
    }
    int perLine = rowLength(values, cols);
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      BigDecimal d = digits == null || scale == 0 ? FixedPoint.display(values[i], scale, fracBits)
          : FixedPoint.decode(values[i], scale).setScale(digits, RoundingMode.HALF_EVEN);
      line.append(d.toPlainString());
      if ((i + 1) % perLine != 0) {
        line.append(',');
      } else {
        out.println(line);
        line.setLength(0);
      }
    }
  }

  /** Integers at or beyond 2^62 in magnitude: where products and sums of 64-bit values have wrapped, and comparisons stop working. */
  private static final long INTEGER_SAFE = 1L << 62;

  /**
   * How many of the values lie outside the documented safe range (reals: below 2^(62-2f) in magnitude;
   * integers: below 2^62): the ring wraps modulo 2^64 silently, so a result out there has probably wrapped.
   */
  static int outOfRange(long[] values, int scale, int fracBits) {
    int n = 0;
    for (long v : values) {
      boolean out = scale == 0 ? v >= INTEGER_SAFE || v < -INTEGER_SAFE : FixedPoint.decode(v, scale).abs().compareTo(FixedPoint.limit(fracBits)) >= 0;
      if (out) n++;
    }
    return n;
  }

  /**
   * Warns on {@code err} (one line) when results are out of range; returns whether they were. A real beyond the safe
   * range but below 2^62 encoded may well be right: only a product of two reals needs the headroom (its 2f-bit
   * product wraps at 2^(63-2f)); sums and products by integers are exact until the encoding itself, 2^(62-f), is
   * reached. So the warning says "probably wrapped" only of encodings at or beyond 2^62, where any result has.
   */
  static boolean warnOutOfRange(PrintWriter err, long[] values, int scale, int fracBits) {
    if (values == null) return false;
    int n = outOfRange(values, scale, fracBits);
    if (n == 0) return false;
    boolean wrapped = java.util.Arrays.stream(values).anyMatch(v -> v >= INTEGER_SAFE || v < -INTEGER_SAFE);
    String range = scale == 0 ? "integers below 2^62" : "reals below 2^" + (62 - 2 * fracBits);
    err.printf("smpc: warning: %d of %d results lie outside the safe range (%s in magnitude): %s (docs/functions.md#range-of-reals)%n",
        n, values.length, range, wrapped || scale == 0 ? "they probably wrapped modulo 2^64"
            : "right if they came from sums and products by integers (exact below 2^" + (62 - scale) + "), wrapped modulo 2^64 if from"
                + " a product of two reals");
    err.flush();
    return true;
  }

  /**
   * {"name": ..., "party": ..., "values": [...], "probably_wrapped": bool} (values null when nothing was
   * revealed; reals exact; see {@link #outOfRange}).
   */
  /** A matrix's "values" is an array of rows, and "cols" gives their length. */
  static ObjectNode json(String name, String party, long[] values, int scale, long cols, int fracBits) {
    ObjectNode o = JSON.createObjectNode();
    o.put("name", name);
    o.put("party", party);
    if (values == null) {
      o.putNull("values");
    } else {
      var arr = o.putArray("values");
      var row = arr;
      int perRow = rowLength(values, cols);
      for (int i = 0; i < values.length; i++) {
        if (perRow > 1 && i % perRow == 0) row = arr.addArray();
        if (scale == 0) row.add(values[i]);
        else row.add(FixedPoint.decode(values[i], scale).stripTrailingZeros());
      }
      if (perRow > 1) o.put("cols", perRow);
      o.put("probably_wrapped", outOfRange(values, scale, fracBits) > 0);
    }
    return o;
  }

  /** A matrix's row length: its columns when they divide its length (the parties check they do), else 1. */
  private static int rowLength(long[] values, long cols) {
    return cols > 1 && cols <= values.length && values.length % cols == 0 ? (int) cols : 1;
  }
}
