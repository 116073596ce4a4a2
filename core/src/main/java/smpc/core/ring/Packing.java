package smpc.core.ring;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Ring vectors on the wire: raw little-endian int64s, 8 bytes per element, no framing. */
public final class Packing {
  private Packing() {}

  public static byte[] toBytes(long[] v) {
    byte[] out = new byte[Math.multiplyExact(v.length, 8)];
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(v);
    return out;
  }

  public static long[] fromBytes(byte[] b) {
    return fromBytes(ByteBuffer.wrap(b));
  }

  public static long[] fromBytes(ByteBuffer b) {
    if (b.remaining() % 8 != 0) {
      throw new IllegalArgumentException("packed vector has " + b.remaining() + " bytes, not a multiple of 8");
    }
    long[] v = new long[b.remaining() / 8];
    b.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
    return v;
  }

  public static ByteString toByteString(long[] v) {
    return ByteString.copyFrom(toBytes(v));
  }

  /** Decodes piece by piece when {@code b} is a concatenation (of received chunks), never joining it first. */
  public static long[] fromByteString(ByteString b) {
    if (b.size() % 8 != 0) throw new IllegalArgumentException("packed vector has " + b.size() + " bytes, not a multiple of 8");
    long[] v = new long[b.size() / 8];
    int pos = 0;
    for (ByteBuffer piece : b.asReadOnlyByteBufferList()) {
      if (piece.remaining() % 8 != 0) return fromBytes(b.toByteArray()); // an element spans pieces
      int n = piece.remaining() / 8;
      piece.order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v, pos, n);
      pos += n;
    }
    return v;
  }
}
