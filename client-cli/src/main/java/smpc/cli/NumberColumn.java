package smpc.cli;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.function.Consumer;
import smpc.core.ring.FixedPoint;
import smpc.sdk.SmpcException;

/**
 * A column of numbers as it is read, one cell at a time, packed: integers exactly, and from the first real on
 * (a decimal point or an exponent) every value as a real, round(x·2^f) with the cluster's fractional bits, the
 * integers read before it converted. Eight bytes a value, so a file of 10^8 rows is read in about 0.8 GB where
 * its lines as text took several (the CLI ran out of memory).
 */
final class NumberColumn {
  private final String name;
  private final int fracBits;
  private final Consumer<String> warn;
  private long[] values;
  private int size;
  private boolean real;

  /** {@code warn} is told of each real whose encoding loses most of its digits ({@link InputPrecision}). */
  NumberColumn(String name, int fracBits, Consumer<String> warn) {
    this(name, fracBits, warn, 0);
  }

  /**
   * With room for {@code expected} values (a file's count, {@link InputCommand.Csv#countRows}): a column that fills it
   * exactly is never copied, where growing by doubling and trimming held up to 2.3 times its size at once.
   */
  NumberColumn(String name, int fracBits, Consumer<String> warn, int expected) {
    this.name = name;
    this.fracBits = fracBits;
    this.warn = warn;
    this.values = new long[Math.max(16, Math.min(expected, smpc.core.protocol.Limits.MAX_VECTOR))];
  }

  /** Makes room for {@code expected} values in all, before the first is added (a matrix's size is known at its header). */
  void expect(long expected) {
    if (size == 0) values = new long[(int) Math.max(16, Math.min(expected, smpc.core.protocol.Limits.MAX_VECTOR))];
  }

  /**
   * Adds a value; {@code line} names its place in a file ("data.csv line 7"), asked only for an error or a warning
   * (10^8 such strings took seconds); null for a value given on the command line.
   */
  void add(String text, java.util.function.Supplier<String> line) {
    int n = size + 1;
    java.util.function.Supplier<String> where = line != null ? line : () -> "value " + n;
    BigDecimal x = InputCommand.Csv.number(text, where);
    boolean isReal = text.contains(".") || text.toLowerCase(java.util.Locale.ROOT).contains("e");
    if (isReal && !real) {
      real = true;
      for (int i = 0; i < size; i++) {
        int k = i + 1;
        values[i] = encode(BigDecimal.valueOf(values[i]), () -> "element " + k + " of '" + name + "'");
      }
    }
    long v;
    if (real) {
      v = encode(x, () -> "element " + n + " of '" + name + "'" + (line != null ? " (" + line.get() + ")" : ""));
      String w = InputPrecision.warning(text, x, v, fracBits);
      if (w != null) warn.accept(w);
    } else {
      try {
        v = x.longValueExact();
      } catch (ArithmeticException e) {
        throw SmpcException.usage("value out of range: '%s' (%s) does not fit in 64 bits", text, where.get());
      }
    }
    if (size == values.length) {
      if (size >= smpc.core.protocol.Limits.MAX_VECTOR) {
        throw SmpcException.usage("value '%s' has more than %d elements (%s)", name, smpc.core.protocol.Limits.MAX_VECTOR, where.get());
      }
      values = Arrays.copyOf(values, (int) Math.min(smpc.core.protocol.Limits.MAX_VECTOR, 2L * size));
    }
    values[size++] = v;
  }

  /** FixedPoint.encode, naming the value ({@code what}, made only then) when it is out of range. */
  private long encode(BigDecimal x, java.util.function.Supplier<String> what) {
    try {
      return FixedPoint.encode(x, fracBits, x.abs().compareTo(FixedPoint.limit(fracBits)) >= 0 ? what.get() : name);
    } catch (smpc.core.Failure e) {
      throw SmpcException.from(e, null);
    }
  }

  boolean real() {
    return real;
  }

  int size() {
    return size;
  }

  /** The values read (encoded when {@link #real}), trimmed. */
  long[] values() {
    if (values.length != size) values = Arrays.copyOf(values, size);
    return values;
  }
}
