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
 * How revealed values are printed: one per line, reals as decimals with the digits their fractional bits
 * carry (or --digits N); or one JSON object whose reals are exact (a fixed-point value is a binary fraction,
 * so its decimal expansion is finite: full precision, for whoever rounds it later).
 */
final class Results {
  static final ObjectMapper JSON = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  /** Enough for the exact value of any 64-bit fixed-point number (at most 64 fractional binary digits). */
  static final int MAX_DIGITS = 64;

  private Results() {}

  /** @param digits decimals of reals, or null for the default of {@link FixedPoint#display} */
  static void print(PrintWriter out, long[] values, int scale, int fracBits, Integer digits) {
    if (digits != null && (digits < 0 || digits > MAX_DIGITS)) {
      throw SmpcException.usage("--digits must be between 0 and %d, got %d", MAX_DIGITS, digits);
    }
    for (long v : values) {
      BigDecimal d = digits == null || scale == 0 ? FixedPoint.display(v, scale, fracBits)
          : FixedPoint.decode(v, scale).setScale(digits, RoundingMode.HALF_EVEN);
      out.println(d.toPlainString());
    }
  }

  /** {"name": ..., "party": ..., "values": [...]} (values null when nothing was revealed; reals exact). */
  static ObjectNode json(String name, String party, long[] values, int scale) {
    ObjectNode o = JSON.createObjectNode();
    o.put("name", name);
    o.put("party", party);
    if (values == null) {
      o.putNull("values");
    } else {
      var arr = o.putArray("values");
      for (long v : values) {
        if (scale == 0) arr.add(v);
        else arr.add(FixedPoint.decode(v, scale).stripTrailingZeros());
      }
    }
    return o;
  }
}
