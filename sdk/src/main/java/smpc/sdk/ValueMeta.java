package smpc.sdk;

import java.util.List;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.ValueInfo;

/**
 * What a party says about one value it stores: metadata only, never data or shares.
 *
 * @param owner the party that input it (for a shared value, the owner of what was shared)
 * @param parties the holders of a shared value, in session order; empty for a private value
 * @param fracBits the fixed-point fractional bits of a real value, 0 for an integer
 * @param cols a matrix's columns (row-major: length / cols rows), 0 for a vector
 */
public record ValueMeta(String name, boolean shared, boolean real, long length, String owner, List<String> parties, int fracBits,
    long cols) {
  static ValueMeta of(ValueInfo v) {
    return new ValueMeta(v.getName(), v.getKind() == Kind.SHARED, v.getDtype() == DType.REAL, v.getLength(), v.getOwner(),
        List.copyOf(v.getPartiesList()), v.getFracBits(), v.getCols());
  }

  /** "rows x cols" of a matrix, else the number of elements. */
  public String shape() {
    return cols > 0 ? (length / cols) + "x" + cols : Long.toString(length);
  }

  /** "private" or "shared". */
  public String kind() {
    return shared ? "shared" : "private";
  }

  /** "int" or "real". */
  public String type() {
    return real ? "real" : "int";
  }

  /** Who holds it: the owner of a private value, the parties of a shared one. */
  public List<String> holders() {
    return shared ? parties : List.of(owner);
  }
}
