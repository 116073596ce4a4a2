package smpc.core.protocol;

import static smpc.core.Errors.invalid;

import smpc.proto.Instr;
import smpc.proto.ValueInfo;

/** A named value as a party stores it: metadata plus the plain value or this party's share. */
public record StoredValue(ValueInfo info, long[] data) {
  /** The columns a STORE or REVEAL gives its result of {@code length} elements (0: a vector); refuses columns that do not divide it. */
  static long columns(Instr in, long length) {
    long cols = in.getCols();
    if (cols < 0 || cols > 0 && length % cols != 0) throw invalid("%s of %d elements as a matrix of %d columns", in.getOp(), length, cols);
    return cols;
  }
}
