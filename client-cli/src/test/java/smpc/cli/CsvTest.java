package smpc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smpc.sdk.SmpcException;

/** CSV input names the file's own line numbers (blank lines counted) and accepts a UTF-8 byte-order mark. */
class CsvTest {
  @TempDir Path dir;

  /** The column's cells as {@link InputCommand.Csv#column} gives them, each with its line number. */
  static java.util.List<InputCommand.Csv.Line> column(Path file, String column) {
    java.util.List<InputCommand.Csv.Line> v = new java.util.ArrayList<>();
    InputCommand.Csv.column(file, column, (text, line) -> v.add(new InputCommand.Csv.Line(line, text)));
    return v;
  }

  @Test
  void aByteOrderMarkDoesNotHideTheFirstColumn() throws Exception {
    Path f = dir.resolve("bom.csv");
    Files.write(f, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    Files.writeString(f, "salary,id\n5000,1\n6100,2\n", java.nio.file.StandardOpenOption.APPEND);
    assertThat(column(f, "salary")).extracting(InputCommand.Csv.Line::text).containsExactly("5000", "6100");
    assertThat(LogregCommand.Table.read(f).column("salary", f)).isZero();
  }

  @Test
  void errorsNameTheFilesLineNumbers() throws Exception {
    Path f = dir.resolve("gaps.csv");
    Files.writeString(f, "a,b\n\n1,2\n\n3\n");
    assertThatThrownBy(() -> column(f, "b")).isInstanceOf(SmpcException.class)
        .hasMessage("%s line 5 has no column 2", f);
    assertThatThrownBy(() -> LogregCommand.Table.read(f)).hasMessage("%s line 5 has 1 fields, the header 2", f);
    Files.writeString(f, "a,b\n1,2\n\nx,4\n");
    assertThat(column(f, "a")).extracting(InputCommand.Csv.Line::number).containsExactly(2, 4);
    assertThatThrownBy(() -> LogregCommand.Table.read(f)).hasMessage("not a number: 'x' (gaps.csv line 4)");
  }

  /** A one-column file's blank line between data rows is its empty cell: refused, where skipping it shifted the rows. */
  @Test
  void aOneColumnFilesBlankLineBetweenRowsIsAMissingValue() throws Exception {
    Path f = dir.resolve("one.csv");
    Files.writeString(f, "\nx\n1\n \n3\n");
    assertThatThrownBy(() -> column(f, "x")).isInstanceOf(SmpcException.class)
        .hasMessage("%s line 4 is blank between data rows (a missing value?): fill it in or remove the line", f);
    assertThatThrownBy(() -> LogregCommand.Table.read(f))
        .hasMessage("%s line 4 is blank between data rows (a missing value?): fill it in or remove the line", f);
    Files.writeString(f, "\nx\n1\n3\n\n\n");
    assertThat(column(f, "x")).extracting(InputCommand.Csv.Line::number).as("blank lines at the ends").containsExactly(3, 4);
  }

  @Test
  void matrixColumnsAreReadRowByRowInTheChosenOrder() throws Exception {
    Path f = dir.resolve("m.csv");
    Files.writeString(f, "\uFEFFid,a,b,c\n1,10,20,30\n\n2,11,21,31\n");
    CsvColumns.Table t = CsvColumns.read(f, java.util.List.of("c", "a"), false, null);
    assertThat(t.columns()).containsExactly("c", "a");
    assertThat(t.cells()).containsExactly("30", "10", "31", "11");
    assertThat(t.lines()).containsExactly(2, 4);
    CsvColumns.Table all = CsvColumns.read(f, null, true, java.util.List.of("id"));
    assertThat(all.columns()).containsExactly("a", "b", "c");
    assertThat(all.rows()).isEqualTo(2);
    java.util.List<String> names = new java.util.ArrayList<>();
    java.util.List<Integer> lines = new java.util.ArrayList<>();
    CsvColumns.stream(f, java.util.List.of("b"), false, null, names::addAll, (cells, line) -> {
      assertThat(names).as("the names come before the rows").containsExactly("b");
      lines.add(line);
    });
    assertThat(lines).containsExactly(2, 4);
    Files.writeString(f, "a,b\n1,2\n3\n");
    assertThatThrownBy(() -> CsvColumns.read(f, java.util.List.of("a", "b"), false, null)).hasMessage("%s line 3 has no column 2", f);
  }

  /** Quoted fields as RFC 4180 has them: a comma or a doubled quote inside is the field's own. */
  @Test
  void aQuotedFieldKeepsItsCommasAndQuotes() throws Exception {
    assertThat(InputCommand.Csv.fields("\"a,b\",3")).containsExactly("a,b", "3");
    assertThat(InputCommand.Csv.fields(" \"say \"\"hi\"\"\" , 4 ,")).containsExactly("say \"hi\"", "4", "");
    assertThat(InputCommand.Csv.fields("1,2,3")).containsExactly("1", "2", "3");
    assertThat(InputCommand.Csv.fields("\" x \",\"\"")).containsExactly(" x ", "");
    assertThatThrownBy(() -> InputCommand.Csv.fields("\"open,1")).hasMessageContaining("a quoted CSV field is not closed on its line");
    Path f = dir.resolve("quoted.csv");
    Files.writeString(f, "name,age\n\"Smith, Jo\",33\n\"Lee\",41\n");
    assertThat(column(f, "age")).extracting(InputCommand.Csv.Line::text).containsExactly("33", "41");
  }
}
