package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smpc.core.testing.Seeded;
import smpc.core.testing.Seeds;
import smpc.sdk.SmpcException;

/**
 * Bad input at the CSV boundary (`input --csv`, `logreg`): any file content is either read or refused
 * with one usage error naming the problem — never another exception.
 */
class CsvFuzzTest {
  static final String[] CELLS = {"1", "-2.5", "1e-3", "x", "", " 7 ", "\"3\"", "9e99", "0x10", "NaN", "1,5", "benign"};

  /** Up to 6 lines of up to 5 cells each. */
  static String csv(Random rnd) {
    String[] lines = new String[Seeds.length(rnd, 0, 6)];
    for (int i = 0; i < lines.length; i++) {
      String[] cells = new String[Seeds.length(rnd, 0, 5)];
      for (int k = 0; k < cells.length; k++) cells[k] = CELLS[rnd.nextInt(CELLS.length)];
      lines[i] = String.join(",", cells);
    }
    return String.join("\n", lines);
  }

  @Seeded(300)
  void anyContentIsReadOrRefusedWithAUsageError(long seed) throws Exception {
    check(csv(new Random(seed)));
  }

  @Test
  void theEmptyFileAndEachCellAloneAreReadOrRefused() throws Exception {
    check("");
    for (String c : CELLS) check(c);
  }

  static void check(String content) throws Exception {
    Path f = Files.createTempFile("fuzz", ".csv");
    try {
      Files.writeString(f, content);
      for (Runnable read : new Runnable[] {
          () -> CsvTest.column(f, "1"),
          () -> CsvColumns.read(f, java.util.List.of("2", "1"), false, null),
          () -> CsvColumns.read(f, null, true, java.util.List.of("1")),
          () -> LogregCommand.Table.read(f).labels(0, f),
          () -> LogregCommand.Table.read(f).features(-1)}) {
        try {
          read.run();
        } catch (SmpcException e) {
          assertThat(e.getMessage()).as(content).isNotBlank();
        }
      }
    } finally {
      Files.delete(f);
    }
  }
}
