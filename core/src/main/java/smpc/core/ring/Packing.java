package smpc.core.ring;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Ring vectors on the wire: raw little-endian int64s, 8 bytes per element, no framing. */
public final class Packing {
  private Packing() {}

  /**
   * Elements per block when a protocol masks its share a block at a time and packs each block with one bulk
   * copy: no vector-sized temporary, and no per-element call that is slow until the JIT has compiled it.
   */
  public static final int BLOCK = 1024;

  /** Writes src[0, len) as elements [index, index + len) of a packed vector. */
  public static void put(byte[] packed, int index, long[] src, int len) {
    ByteBuffer.wrap(packed, index * 8, len * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(src, 0, len);
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
    long[] block = new long[(int) Math.min(BLOCK, n)];
    for (ByteBuffer piece : pieces) pos = combine(piece.order(ByteOrder.LITTLE_ENDIAN).asLongBuffer(), acc, pos, block, xor);
    return n;
  }

  /** Combines the longs of {@code from} into acc[pos, ...) a block at a time; returns the position after them. */
  private static int combine(java.nio.LongBuffer from, long[] acc, int pos, long[] block, boolean xor) {
    while (from.hasRemaining()) {
      int m = Math.min(block.length, from.remaining());
      from.get(block, 0, m);
      if (xor) for (int i = 0; i < m; i++) acc[pos + i] ^= block[i];
      else for (int i = 0; i < m; i++) acc[pos + i] += block[i];
      pos += m;
    }
    return pos;
  }

  /** acc += b (or acc ^= b) for a packed b of acc's length. */
  public static void combine(byte[] b, long[] acc, boolean xor) {
    if (b.length != acc.length * 8L) throw new IllegalArgumentException("packed vector has " + b.length + " bytes, expected " + acc.length * 8L);
    combine(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer(), acc, 0, new long[Math.min(BLOCK, Math.max(1, acc.length))], xor);
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
