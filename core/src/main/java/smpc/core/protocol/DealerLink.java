package smpc.core.protocol;

/** This party's view of the dealer for one session. */
public interface DealerLink {
  /** This party's own PRG seed for the session. */
  byte[] seed();

  /** The designated party's explicit corrections c_0 for triples [start, start + count). */
  long[] corrections(long start, int count);

  /** The designated party's shares {r_hi_0, msb_0} of truncation pairs [start, start + count). */
  long[][] truncCorrections(long start, int count);

  /** Party 0's {r_bits_0, b_bool_0, b_arith_0} of comparison material [start, start + count). */
  long[][] bitsCorrections(long start, int count);

  /** Party 0's c_0 of AND triples [start, start + count). */
  long[] andCorrections(long start, int count);

  /** Party 0's {c1_0, c2_0} of AND pairs [start, start + count). */
  long[][] andPairCorrections(long start, int count);

  /** Party 0's {b_bool_0, b_arith_0} of standalone daBits [start, start + count). */
  long[][] dabitCorrections(long start, int count);

  /** Bytes received from the dealer so far. */
  long bytesReceived();
}
