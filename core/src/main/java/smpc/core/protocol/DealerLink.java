package smpc.core.protocol;

/** This party's view of the dealer for one session. */
public interface DealerLink {
  /** This party's own PRG seed for the session. */
  byte[] seed();

  /**
   * The designated party's corrections of items [start, start + count) of a kind: {@code kind.correctionWords}
   * arrays of {@code count}, as {@link Streams#corrections(Material, byte[][], byte[], TruncSchedule, MatrixSchedule, long, int)}.
   */
  long[][] corrections(Material kind, long start, int count);

  /** Bytes received from the dealer so far. */
  long bytesReceived();
}
