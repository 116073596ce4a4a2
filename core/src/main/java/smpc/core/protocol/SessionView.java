package smpc.core.protocol;

/** What the protocols need of a running session on one party: the dealer, openings, stream positions. */
interface SessionView {
  /** True on the designated party (index 0), which adds public constants and gets dealer corrections. */
  boolean designated();

  DealerLink dealer();

  int fracBits();

  /** Every party sends its share to every other; returns the combined value (sum, or XOR). One round. */
  long[] open(String tag, long[] mine, boolean xor);

  /** As {@link #open}, with this party's share already packed (a protocol masks straight into the message). */
  long[] openPacked(String tag, byte[] mine, boolean xor);

  /** Reserves n items of a kind of dealer material; returns the position of the first. */
  long take(Material kind, int n);
}
