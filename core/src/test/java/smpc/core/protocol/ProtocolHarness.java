package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.FixedPoint;
import smpc.core.ring.Packing;
import smpc.proto.DType;
import smpc.proto.Kind;
import smpc.proto.Plan;
import smpc.proto.Revealed;
import smpc.proto.SessionStats;
import smpc.proto.ValueInfo;

/**
 * What {@link ProtocolSuite}'s tests run on: n parties started once per count through a {@link Harness} and
 * closed after the suite, and sessions that store inputs, reveal outputs to one party (checking that no other
 * party learns anything and that every party ran the plan's rounds) and forget the inputs again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ProtocolHarness {
  static final int F = LocalProtocol.FRAC_BITS;
  static final double ULP = 1.0 / (1 << F);

  /** Parties p0, p1, ... that store values and run sessions together. */
  public interface Harness extends AutoCloseable {
    /** Stores a private value with the party its metadata names as owner. */
    void input(StoredValue value);

    /** Runs a plan on every party at once: what each party had revealed to it (whole outputs), in party order. */
    List<Result> run(Plan plan);

    /** Forgets a value, private or shared, on every party. */
    void delete(String name);

    @Override
    void close();
  }

  /** One party's part of a session: the outputs revealed to it, in plan order, and its statistics. */
  public record Result(List<Revealed> revealed, SessionStats stats) {}

  /** Starts n parties (named as {@link ProtocolTest#parties}); the suite closes them after its last test. */
  protected abstract Harness start(List<String> parties) throws Exception;

  private final Map<Integer, Harness> harnesses = new HashMap<>();

  Harness harness(int n) {
    return harnesses.computeIfAbsent(n, k -> {
      try {
        return start(ProtocolTest.parties(k));
      } catch (Exception e) {
        throw new IllegalStateException("could not start " + k + " parties", e);
      }
    });
  }

  @AfterAll
  void stop() {
    harnesses.values().forEach(Harness::close);
  }

  /** A revealed output: ring elements and their fractional bits. */
  record Opened(long[] raw, int scale) {
    double[] reals() {
      return Arrays.stream(raw).mapToDouble(v -> FixedPoint.decode(v, scale).doubleValue()).toArray();
    }
  }

  /** An input stored as a matrix of {@code cols} columns: its elements (a long[] or a double[]) row by row. */
  record Matrix(Object data, int cols) {}

  /**
   * One session: stores the inputs x0, x1, ... with parties 0, 1, ... (mod n), reveals every expression to
   * party {@code to} (no other party learns anything) and forgets the inputs again. An input is a long[]
   * (integers), a double[] (reals, encoded with f fractional bits) or a {@link Matrix} of either.
   */
  List<Opened> reveal(int n, int to, List<String> exprs, Object... inputs) {
    List<String> parties = ProtocolTest.parties(n);
    Map<String, ValueInfo> catalog = new HashMap<>();
    for (int k = 0; k < inputs.length; k++) {
      Object in = inputs[k] instanceof Matrix m ? m.data() : inputs[k];
      boolean real = in instanceof double[];
      long[] v = real ? Arrays.stream((double[]) in).mapToLong(d -> FixedPoint.encode(new BigDecimal(d), F, "x")).toArray()
          : ((long[]) in).clone(); // the harness may keep it: the caller's array stays the expected value
      ValueInfo info = ValueInfo.newBuilder().setName("x" + k).setKind(Kind.PRIVATE).setDtype(real ? DType.REAL : DType.INT)
          .setFracBits(real ? F : 0).setOwner(parties.get(k % n)).setLength(v.length)
          .setCols(inputs[k] instanceof Matrix m ? m.cols() : 0).build();
      catalog.put(info.getName(), info);
      harness(n).input(new StoredValue(info, v));
    }
    try {
      List<Compiler.Output> outputs = exprs.stream().map(e -> Compiler.Output.reveal(Parser.parse(e), parties.get(to))).toList();
      return session(n, outputs, catalog, to);
    } finally {
      catalog.keySet().forEach(harness(n)::delete);
    }
  }

  /** Runs the outputs as one session; what party {@code to} had revealed (-1: nobody), after checking nobody else learnt anything. */
  List<Opened> session(int n, List<Compiler.Output> outputs, Map<String, ValueInfo> catalog, int to) {
    Compiler.Compiled c = Compiler.compile(outputs, ProtocolTest.parties(n), catalog::get, F);
    List<Result> results = harness(n).run(c.plan());
    List<Opened> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      assertThat(results.get(i).stats().getRounds()).as("party %d's rounds", i).isEqualTo(c.rounds());
      if (i != to) assertThat(results.get(i).revealed()).as("party %d learns nothing", i).isEmpty();
    }
    if (to < 0) return out;
    for (Revealed r : results.get(to).revealed()) out.add(new Opened(Packing.fromByteString(r.getData()), r.getScale()));
    assertThat(out).hasSameSizeAs(c.outputLengths());
    return out;
  }

  static Map<String, ProtocolTest.Input> integers(int n, long[]... inputs) {
    Map<String, ProtocolTest.Input> m = new HashMap<>();
    for (int k = 0; k < inputs.length; k++) m.put("x" + k, new ProtocolTest.Input(k % n, inputs[k]));
    return m;
  }

  /** Each expression against {@link ProtocolTest#plain} on the same inputs: exact. */
  void exactly(int n, List<String> exprs, long[]... inputs) {
    List<Opened> got = reveal(n, n - 1, exprs, (Object[]) inputs);
    for (int i = 0; i < exprs.size(); i++) {
      assertThat(got.get(i).raw()).as(exprs.get(i)).containsExactly(ProtocolTest.plain(Parser.parse(exprs.get(i)), integers(n, inputs)));
    }
  }
}
