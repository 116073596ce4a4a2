package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import smpc.proto.Instr;
import smpc.proto.ValueInfo;

/**
 * A named value as a party stores it: metadata plus the plain value or this party's share. A value in memory
 * holds its elements; one read from a store holds a reader instead, so that a streamed plan or a download
 * reads a long vector a slice at a time and never holds it whole.
 */
public final class StoredValue {
  /** Reads elements of a stored value. */
  @FunctionalInterface
  public interface Slices {
    /** Elements [from, from + count) of the value. */
    long[] read(long from, int count);
  }

  /** Writes a value a block at a time, in order, as a streamed plan makes it (a party: into its store). */
  public interface Writer {
    void write(long[] block);

    /** The value written, under {@code info}, once every block is in (kept only if the session succeeds). */
    StoredValue finish(ValueInfo info);
  }

  /** Makes the writer of a value a session keeps, given its name and length. */
  @FunctionalInterface
  public interface Writers {
    Writer open(String name, long length);
  }

  private final ValueInfo info;
  private final long[] data;
  private final Slices slices;

  /** A value held in memory. */
  public StoredValue(ValueInfo info, long[] data) {
    this.info = info;
    this.data = data;
    this.slices = null;
  }

  private StoredValue(ValueInfo info, Slices slices) {
    this.info = info;
    this.data = null;
    this.slices = slices;
  }

  /** A value whose {@code info.getLength()} elements are read through {@code slices} when asked for. */
  public static StoredValue read(ValueInfo info, Slices slices) {
    return new StoredValue(info, slices);
  }

  public ValueInfo info() {
    return info;
  }

  /** The same data under another info (of the same length). */
  public StoredValue withInfo(ValueInfo other) {
    return slices != null ? new StoredValue(other, slices) : new StoredValue(other, data);
  }

  /** What reads the data, for a value read from (or written into) a store; null for a value in memory. */
  public Slices slices() {
    return slices;
  }

  /** Every element (read whole from the store if need be; a vector longer than {@link Limits#MAX_LENGTH} only streams). */
  public long[] data() {
    if (slices == null) return data;
    if (info.getLength() > Limits.MAX_LENGTH) {
      throw invalid("value '%s' has %d elements: vectors longer than %d are only read in blocks (elementwise plans and their sums)",
          info.getName(), info.getLength(), Limits.MAX_LENGTH);
    }
    return slices.read(0, (int) info.getLength());
  }

  /** Elements [from, from + count) (a copy when the value is held in memory). */
  public long[] read(long from, int count) {
    if (from < 0 || count < 0 || from + count > info.getLength() && data == null || data != null && from + count > data.length) {
      throw invalid("elements [%d, %d) of value '%s' out of range", from, from + count, info.getName());
    }
    return data != null ? java.util.Arrays.copyOfRange(data, (int) from, (int) from + count) : slices.read(from, count);
  }

  /** Elements in the value. */
  public long length() {
    return data != null ? data.length : info.getLength();
  }

  /** The columns a STORE or REVEAL gives its result of {@code length} elements (0: a vector); refuses columns that do not divide it. */
  static long columns(Instr in, long length) {
    long cols = in.getCols();
    if (cols < 0 || cols > 0 && length % cols != 0) throw invalid("%s of %d elements as a matrix of %d columns", in.getOp(), length, cols);
    return cols;
  }
}
