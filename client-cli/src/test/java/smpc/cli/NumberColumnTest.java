package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpc.core.ring.FixedPoint;
import smpc.sdk.SmpcException;

/** A column read a cell at a time: integers exact, a column with a real all encoded, errors naming the cell. */
class NumberColumnTest {
  @TempDir Path dir;

  @Test
  void integersStayExactAndTheArrayGrowsAsRowsCome() {
    long seed = new Random().nextLong();
    Random rnd = new Random(seed);
    NumberColumn c = new NumberColumn("x", 16, w -> {});
    long[] want = rnd.longs(5000).toArray();
    for (long v : want) c.add(Long.toString(v), null);
    assertThat(c.real()).isFalse();
    assertThat(c.values()).as("seed %d", seed).containsExactly(want);
  }

  @Test
  void theFirstRealMakesTheWholeColumnReal() {
    NumberColumn c = new NumberColumn("r", 16, w -> {});
    c.add("3", null);
    c.add("-7", null);
    c.add("2.5", null);
    c.add("1e1", null);
    assertThat(c.real()).isTrue();
    assertThat(c.values()).containsExactly(3L << 16, -7L << 16, 5L << 15, 10L << 16);
    assertThat(FixedPoint.decode(c.values()[2], 16)).isEqualByComparingTo(new BigDecimal("2.5"));
  }

  @Test
  void errorsNameTheCellAndLossesAreSaid() {
    List<String> warnings = new ArrayList<>();
    NumberColumn c = new NumberColumn("r", 16, warnings::add);
    c.add("1e-9", () -> "d.csv line 2");
    assertThat(warnings).singleElement().asString().startsWith("1e-9 is stored as 0");
    assertThatThrownBy(() -> c.add("5e9", () -> "d.csv line 3")).isInstanceOf(SmpcException.class)
        .hasMessageStartingWith("value out of range: element 2 of 'r' (d.csv line 3) is 5000000000");
    assertThatThrownBy(() -> c.add("x1", () -> "d.csv line 4")).hasMessage("not a number: 'x1' (d.csv line 4)");
    NumberColumn ints = new NumberColumn("i", 16, w -> {});
    assertThatThrownBy(() -> ints.add("99999999999999999999", null))
        .hasMessage("value out of range: '99999999999999999999' (value 1) does not fit in 64 bits");
    NumberColumn late = new NumberColumn("late", 16, w -> {});
    late.add("4000000000", null); // an integer, then a real: it no longer fits as a real
    assertThatThrownBy(() -> late.add("0.5", null)).hasMessageStartingWith("value out of range: element 1 of 'late' is 4000000000");
  }

  /** Each answered at once with a short message: 1e-99999999 took minutes to round, 1e999999999 to print. */
  @Test
  void extremeNumbersGetQuickShortAnswers() {
    List<String> warnings = new ArrayList<>();
    NumberColumn c = new NumberColumn("r", 16, warnings::add);
    c.add("1e-99999999", () -> "d.csv line 2");
    assertThat(c.values()).containsExactly(0L);
    assertThat(warnings).singleElement().asString().startsWith("1e-99999999 is stored as 0");
    assertThatThrownBy(() -> c.add("-1e999999999", () -> "d.csv line 3"))
        .hasMessageStartingWith("value out of range: element 2 of 'r' (d.csv line 3) is -1E+999999999, but");
    assertThatThrownBy(() -> c.add("1e999999999999999999", () -> "d.csv line 5"))
        .hasMessage("value out of range: '1e999999999999999999' (d.csv line 5) has an exponent out of range");
    String tooLong = "1".repeat(smpc.core.expr.Parser.MAX_LITERAL + 1);
    assertThatThrownBy(() -> c.add(tooLong, () -> "d.csv line 4"))
        .hasMessage("too long for a number: %d characters (d.csv line 4); at most %d", tooLong.length(), smpc.core.expr.Parser.MAX_LITERAL);
  }

  @Test
  void aLongFileStreamsThroughTheColumnReaderInOrder() throws Exception {
    Path f = dir.resolve("long.csv");
    StringBuilder s = new StringBuilder("\uFEFFid,v\n");
    for (int i = 1; i <= 3000; i++) s.append(i).append(',').append(i * 7 - 5000).append(i % 1000 == 0 ? "\n\n" : "\n");
    Files.writeString(f, s);
    NumberColumn c = new NumberColumn("v", 16, w -> {});
    List<Integer> lines = new ArrayList<>();
    InputCommand.Csv.column(f, "v", (text, line) -> {
      lines.add(line);
      c.add(text, () -> "long.csv line " + line);
    });
    assertThat(c.size()).isEqualTo(3000);
    for (int i = 0; i < 3000; i++) assertThat(c.values()[i]).isEqualTo((i + 1) * 7L - 5000);
    assertThat(lines.get(0)).isEqualTo(2);
    assertThat(lines.get(1000)).isEqualTo(1003); // the blank line after row 1000 is counted
    assertThat(InputCommand.Csv.countRows(f)).isEqualTo(3000); // room for exactly the rows: the column is never copied
    Files.writeString(f, "v\r\n1\r\n \t\r\n2"); // CRLF, a blank line, no newline at the end
    assertThat(InputCommand.Csv.countRows(f)).isEqualTo(2);
    assertThat(InputCommand.Csv.countRows(Path.of("/dev/null"))).isZero();
  }
}
