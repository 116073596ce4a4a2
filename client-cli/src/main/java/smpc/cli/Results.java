package smpc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import smpc.core.ring.FixedPoint;

/** How revealed values are printed: one per line, or one JSON object; reals as decimals. */
final class Results {
  static final ObjectMapper JSON = new ObjectMapper();

  private Results() {}

  static void print(PrintWriter out, long[] values, int scale, int fracBits) {
    for (long v : values) out.println(FixedPoint.display(v, scale, fracBits).toPlainString());
  }

  /** {"name": ..., "party": ..., "values": [...]} (values null when nothing was revealed). */
  static ObjectNode json(String name, String party, long[] values, int scale, int fracBits) {
    ObjectNode o = JSON.createObjectNode();
    o.put("name", name);
    o.put("party", party);
    if (values == null) {
      o.putNull("values");
    } else {
      var arr = o.putArray("values");
      for (long v : values) {
        if (scale == 0) arr.add(v);
        else arr.add(FixedPoint.display(v, scale, fracBits));
      }
    }
    return o;
  }
}
