package smpc.core.psi;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import smpc.core.Failure;

/**
 * Lists of fixed-width records (curve points, PRF tags) packed end to end, as the alignment's messages carry
 * them: their order, permutations, the records common to sorted lists, and where records sit in a list.
 */
final class Records {
  private Records() {}

  static int compare(byte[] a, int i, byte[] b, int j, int w) {
    return Arrays.compareUnsigned(a, i * w, (i + 1) * w, b, j * w, (j + 1) * w);
  }

  /** The positions of the list's records in increasing order of their bytes. */
  static int[] order(byte[] list, int w) {
    return IntStream.range(0, list.length / w).boxed().sorted((a, b) -> compare(list, a, list, b, w)).mapToInt(Integer::intValue).toArray();
  }

  /** The records at {@code positions}, in that order. */
  static byte[] permuted(byte[] list, int[] positions, int w) {
    byte[] out = new byte[positions.length * w];
    for (int i = 0; i < positions.length; i++) System.arraycopy(list, positions[i] * w, out, i * w, w);
    return out;
  }

  /** Fails with {@code otherwise} unless the records are strictly increasing (sorted and distinct). */
  static void increasing(byte[] list, int w, Supplier<Failure> otherwise) {
    for (int i = 1; i < list.length / w; i++) if (compare(list, i - 1, list, i, w) >= 0) throw otherwise.get();
  }

  /** The records in every list (each increasing), in increasing order: a merge, linear in the lists. */
  static byte[] common(List<byte[]> lists, int w) {
    byte[] first = lists.get(0);
    int[] at = new int[lists.size()];
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    next:
    for (int i = 0; i < first.length / w; i++) {
      for (int k = 1; k < lists.size(); k++) {
        byte[] l = lists.get(k);
        while (at[k] < l.length / w && compare(l, at[k], first, i, w) < 0) at[k]++;
        if (at[k] == l.length / w || compare(l, at[k], first, i, w) != 0) continue next;
      }
      out.write(first, i * w, w);
    }
    return out.toByteArray();
  }

  /**
   * Where each record of {@code wanted} is in {@code list}, in order. {@code twice} names a record the list holds
   * at two positions (null: the list is this party's own, distinct by construction); {@code missing} a wanted
   * record the list does not hold, or wanted twice.
   */
  static int[] positions(byte[] list, byte[] wanted, int w, BiFunction<Integer, Integer, Failure> twice, Supplier<Failure> missing) {
    Map<ByteBuffer, Integer> at = new HashMap<>();
    for (int i = 0; i < list.length / w; i++) {
      Integer before = at.put(ByteBuffer.wrap(list, i * w, w).slice(), i);
      if (before != null && twice != null) throw twice.apply(before, i);
    }
    int[] out = new int[wanted.length / w];
    for (int i = 0; i < out.length; i++) {
      Integer p = at.remove(ByteBuffer.wrap(wanted, i * w, w).slice()); // removed: a record wanted twice is missing the second time
      if (p == null) throw missing.get();
      out[i] = p;
    }
    return out;
  }
}
