package smpc.core.ring;

import com.google.protobuf.ByteString;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Ring vectors on the wire: raw little-endian int64s, 8 bytes per element, no framing. */
public final class Packing {
  private Packing() {}

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** Writes element {@code index} of a packed vector: lets a protocol mask its share straight into the message. */
  public static void put(byte[] packed, int index, long v) {
    LONGS.set(packed, index << 3, v);
  }

  /** Element {@code index} of a packed vector. */
  public static long get(byte[] packed, int index) {
    return (long) LONGS.get(packed, index << 3);
  }

  /** A packed vector of n elements (8n bytes, or an exception when that exceeds an array). */
  public static byte[] allocate(int n) {
    return new byte[Math.multiplyExact(n, 8)];
  }

  /**
   * acc += b (or acc ^= b) elementwise, reading the packed vector b piece by piece (never joining its
   * received chunks, never decoding it into an array of its own). Returns b's element count; when that is
   * not acc's length, acc is left as it was.
   */
  public static long combine(ByteString b, long[] acc, boolean xor) {
    if (b.size() % 8 != 0) throw new IllegalArgumentException("packed vector has " + b.size() + " bytes, not a multiple of 8");
    long n = b.size() / 8;
    if (n != acc.length) return n;
    java.util.List<ByteBuffer> pieces = b.asReadOnlyByteBufferList();
    for (ByteBuffer piece : pieces) {
      if (piece.remaining() % 8 != 0) { // an element spans pieces
        combine(b.toByteArray(), acc, xor);
        return n;
      }
    }
    int pos = 0;
    for (ByteBuffer piece : pieces) {
      piece.order(ByteOrder.LITTLE_ENDIAN);
      int base = piece.position(), k = piece.remaining() / 8;
      if (xor) for (int i = 0; i < k; i++) acc[pos + i] ^= piece.getLong(base + 8 * i);
      else for (int i = 0; i < k; i++) acc[pos + i] += piece.getLong(base + 8 * i);
      pos += k;
    }
    return n;
  }

  /** acc += b (or acc ^= b) for a packed b of acc's length. */
  public static void combine(byte[] b, long[] acc, boolean xor) {
    if (b.length != acc.length * 8L) throw new IllegalArgumentException("packed vector has " + b.length + " bytes, expected " + acc.length * 8L);
    if (xor) for (int i = 0; i < acc.length; i++) acc[i] ^= get(b, i);
    else for (int i = 0; i < acc.length; i++) acc[i] += get(b, i);
  }

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
