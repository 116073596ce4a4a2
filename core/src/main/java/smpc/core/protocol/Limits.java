package smpc.core.protocol;

/** Hard limits that every boundary checks, so a bad request fails cleanly instead of exhausting memory. */
public final class Limits {
  /** Elements in one vector (512 MiB of int64), and items of each kind of dealer material in one session;
   * a Beaver opening of this many products (two vectors) still fits in one Java array. */
  public static final int MAX_LENGTH = 1 << 26;
  /**
   * Elements in a stored vector (1 GiB of int64). Longer than {@link #MAX_LENGTH}, it lives on disk in segments
   * and only elementwise plans and their sums, which stream it in blocks ({@link Blocks}), read it; a session's dealer streams
   * may then reach as many items per kind.
   */
  public static final int MAX_VECTOR = 1 << 27;
  /** Registers in one plan. */
  public static final int MAX_REGISTERS = 1 << 20;
  /** Bytes per chunk of a streamed payload (well under gRPC's 4 MiB message limit). */
  public static final int CHUNK_BYTES = 1 << 20;

  private Limits() {}
}
