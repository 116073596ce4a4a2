package smpc.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import smpc.core.expr.Compiler;
import smpc.core.expr.Parser;
import smpc.core.ring.Packing;
import smpc.core.testing.Seeded;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;
import smpc.proto.Revealed;
import smpc.proto.ValueInfo;

/**
 * Reveals whose shares go straight to the parties' callers ({@link RevealRoutes}), over 2, 3 and 5 parties, whole
 * and in blocks: every party's parts of an output, added up, are exactly the plain result; a party routed to its
 * caller sends the recipient nothing for it, one routed to the recipient gives its caller nothing; a named reveal
 * goes through the recipient whatever the routes, which keeps the whole value; the cost preview counts what each sends.
 */
class RevealRoutesTest {
  private static final int BLOCK = 64;
  private static final int[] SIZES = {1, BLOCK - 1, BLOCK, BLOCK + 1, 5 * BLOCK + 17};

  @Seeded(value = 3, parties = {2, 3, 5})
  void partsSentStraightToTheCallersAddUpToTheResult(int n, long seed) {
    Random rnd = new Random(seed);
    LocalProtocol.Stores parties = new LocalProtocol.Stores(n);
    List<String> names = parties.names;
    int len = SIZES[rnd.nextInt(SIZES.length)], to = rnd.nextInt(n);
    boolean[] direct = new boolean[n];
    for (int j = 0; j < n; j++) direct[j] = rnd.nextBoolean();
    long[] a = LocalProtocol.anyLongs(rnd, len), b = LocalProtocol.anyLongs(rnd, len);
    parties.input("a", 0, a, 0);
    parties.input("b", 1 % n, b, 0);
    Map<String, ValueInfo> catalog = parties.catalog;
    String recipient = names.get(to);
    List<Compiler.Output> outputs = List.of(Compiler.Output.reveal(Parser.parse("(a*b) - 5*(a+b)"), recipient),
        new Compiler.Output(Parser.parse("a - b"), recipient, "kept", null), Compiler.Output.reveal(Parser.parse("a + b"), recipient));
    Plan plan = Compiler.compile(outputs, names, catalog::get, LocalProtocol.FRAC_BITS).plan();
    List<LocalProtocol.Message> log = new ArrayList<>();
    List<PlanRunner.Outcome> out = LocalProtocol.run(plan, names, parties.reads(), log, BLOCK, (j, p) -> p.equals(recipient) && direct[j]);

    Estimate.Cost cost = Estimate.of(plan, names, LocalProtocol.FRAC_BITS, name -> catalog.get(name).getLength(),
        (j, p) -> p.equals(recipient) && direct[j]);
    for (int j = 0; j < n; j++) {
      assertThat(out.get(j).stats().getBytesSent()).as("seed %d: party %d's bytes, as the preview says", seed, j).isEqualTo(cost.bytesSent()[j]);
    }
    long[][] sums = new long[outputs.size()][len];
    for (int j = 0; j < n; j++) {
      List<Integer> got = new ArrayList<>();
      for (Revealed r : out.get(j).revealed()) {
        got.add(r.getOutput());
        long[] part = Packing.fromByteString(r.getData());
        for (int i = 0; i < len; i++) sums[r.getOutput()][i] += part[i];
      }
      // outputs 0 and 2 are the unnamed ones: the recipient's part and the parts of the parties routed to their callers
      assertThat(got).as("seed %d: the outputs party %d (direct %s) gives its caller", seed, j, direct[j])
          .containsExactlyElementsOf(j == to ? List.of(0, 1, 2) : direct[j] ? List.of(0, 2) : List.of());
    }
    for (int i = 0; i < len; i++) {
      assertThat(sums[0][i]).as("seed %d: element %d of %d", seed, i, len).isEqualTo(a[i] * b[i] - 5 * (a[i] + b[i]));
      assertThat(sums[1][i]).as("seed %d: the kept output, whole at the recipient", seed).isEqualTo(a[i] - b[i]);
      assertThat(sums[2][i]).as("seed %d: element %d of %d", seed, i, len).isEqualTo(a[i] + b[i]);
    }
    StoredValue kept = out.get(to).stores().get(0).value();
    assertThat(kept.data()).as("seed %d: the recipient keeps the named output whole", seed).containsExactly(minus(a, b));

    Set<Integer> unnamed = new HashSet<>(), named = new HashSet<>();
    for (int pc = 0; pc < plan.getInstrsCount(); pc++) {
      Instr in = plan.getInstrs(pc);
      if (in.getOp() == Op.REVEAL) (in.getName().isEmpty() ? unnamed : named).add(pc);
    }
    for (int j = 0; j < n; j++) {
      if (j == to) continue;
      Set<Integer> sent = new HashSet<>();
      for (LocalProtocol.Message m : log) {
        if (m.from() == j && m.tag().startsWith("r/")) sent.add(Integer.parseInt(m.tag().substring(2).replaceFirst("\\..*", "")));
      }
      Set<Integer> expected = new HashSet<>(named);
      if (!direct[j]) expected.addAll(unnamed);
      assertThat(sent).as("seed %d: the reveals party %d (direct %s) sends the recipient a share of", seed, j, direct[j]).isEqualTo(expected);
    }
  }

  private static long[] minus(long[] a, long[] b) {
    long[] d = new long[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i] - b[i];
    return d;
  }
}
