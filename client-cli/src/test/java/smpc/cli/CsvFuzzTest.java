package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import smpc.sdk.SmpcException;

/**
 * Bad input at the CSV boundary (`input --csv`, `logreg`): any file content is either read or refused
 * with one usage error naming the problem — never another exception.
 */
class CsvFuzzTest {
  @Provide
  Arbitrary<String> csv() {
    Arbitrary<String> cell = Arbitraries.of("1", "-2.5", "1e-3", "x", "", " 7 ", "\"3\"", "9e99", "0x10", "NaN", "1,5", "benign");
    Arbitrary<String> line = cell.list().ofMinSize(0).ofMaxSize(5).map(l -> String.join(",", l));
    return line.list().ofMaxSize(6).map(l -> String.join("\n", l));
  }

  @Property(tries = 300)
  void anyContentIsReadOrRefusedWithAUsageError(@ForAll("csv") String content) throws Exception {
    Path f = Files.createTempFile("fuzz", ".csv");
    try {
      Files.writeString(f, content);
      for (Runnable read : new Runnable[] {
          () -> InputCommand.Csv.column(f, "1"),
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
