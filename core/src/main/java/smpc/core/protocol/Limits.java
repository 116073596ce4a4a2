package smpc.core.protocol;

/** Hard limits that every boundary checks, so a bad request fails cleanly instead of exhausting memory. */
public final class Limits {
  /** Elements in one vector: 2^27 (1 GiB of int64). */
  public static final int MAX_LENGTH = 1 << 27;
  /** Registers in one plan. */
  public static final int MAX_REGISTERS = 1 << 20;
  /** Bytes per chunk of a streamed payload (well under gRPC's 4 MiB message limit). */
  public static final int CHUNK_BYTES = 1 << 20;

  private Limits() {}
}
