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

  public static long[] fromByteString(ByteString b) {
    return fromBytes(b.asReadOnlyByteBuffer());
  }
}
