package smpc.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import smpc.core.protocol.Streams;
import smpc.core.ring.Packing;
import smpc.core.ring.Prg;
import smpc.core.ring.Ring;

/**
 * The hot kernels of a session, each on a vector of {@code n} ring elements: what a multiplication
 * round costs a party without the network. Full run: {@code java -jar bench/target/smpc-bench-*-all.jar};
 * the smoke test runs each once, briefly.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Kernels {
  @Param({"1000000"})
  public int n;

  long[] x, y, a, b, c, d, e;
  byte[] packed;
  byte[] seed;
  byte[][] seeds;

  @Setup
  public void setup() {
    Prg prg = new Prg(Prg.freshSeed());
    x = prg.longs(1, 0, n);
    y = prg.longs(2, 0, n);
    a = prg.longs(3, 0, n);
    b = prg.longs(4, 0, n);
    c = prg.longs(5, 0, n);
    d = prg.longs(6, 0, n);
    e = prg.longs(7, 0, n);
    packed = Packing.toBytes(x);
    seed = Prg.freshSeed();
    seeds = new byte[][] {Prg.freshSeed(), Prg.freshSeed(), Prg.freshSeed()};
  }

  @Benchmark
  public long[] ringAdd() {
    return Ring.add(x, y);
  }

  @Benchmark
  public long[] ringMul() {
    return Ring.mul(x, y);
  }

  /** AES-CTR expansion of a seed: every share and every piece of dealer material. */
  @Benchmark
  public long[] prgExpand() {
    return new Prg(seed).longs(Streams.TRIPLE_A, 0, n);
  }

  @Benchmark
  public byte[] pack() {
    return Packing.toBytes(x);
  }

  @Benchmark
  public long[] unpack() {
    return Packing.fromBytes(packed);
  }

  /** A party's side of a Beaver round after the opening: z = c + d b + e a (+ d e at one party). */
  @Benchmark
  public long[] beaverStep() {
    long[] z = new long[n];
    for (int i = 0; i < n; i++) z[i] = c[i] + d[i] * b[i] + e[i] * a[i] + d[i] * e[i];
    return z;
  }

  /** A party's triple shares (a, b, c) expanded from its seed. */
  @Benchmark
  public long[][] tripleShares() {
    return Streams.tripleShares(seed, false, 0, n);
  }

  /** The dealer's corrections for 3 parties: 8 bytes per triple whatever the number of parties. */
  @Benchmark
  public long[] dealerCorrections() {
    return Streams.corrections(seeds, 0, n);
  }
}
