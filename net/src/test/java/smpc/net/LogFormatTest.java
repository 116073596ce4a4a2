package smpc.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

/** One line per event: the fields in the order given, a value with a space quoted, an error last. */
class LogFormatTest {
  private static LogRecord record(String name, Throwable thrown, Object... keyValues) {
    LogRecord r = new LogRecord(Level.INFO, name);
    r.setLoggerName("smpc.party.PartyService");
    r.setMillis(0);
    r.setParameters(keyValues);
    r.setThrown(thrown);
    return r;
  }

  @Test
  void aTextLineHasTheFieldsInOrderAndQuotesOnlyValuesWithSpaces() {
    String line = new LogFormat(false).format(record("session end", new IllegalStateException("bob left"),
        "session", "3f2a", "rounds", 2, "ok", true, "why", "peer \"bob\" left", "parties", "alice,bob"));
    assertThat(line).isEqualTo("1970-01-01T00:00:00Z INFO PartyService: session end session=3f2a rounds=2 ok=true"
        + " why=\"peer \\\"bob\\\" left\" parties=alice,bob error=\"bob left\"\n");
  }

  @Test
  void aJsonLineQuotesTextAndKeepsNumbersAndBooleansBare() {
    String line = new LogFormat(true).format(record("session start", null, "session", "3f2a", "rounds", 2L, "ok", false, "note", "a\tb"));
    assertThat(line).isEqualTo("{\"time\":\"1970-01-01T00:00:00Z\",\"level\":\"INFO\",\"source\":\"PartyService\",\"event\":\"session start\","
        + "\"session\":\"3f2a\",\"rounds\":2,\"ok\":false,\"note\":\"a\\tb\"}\n");
  }

  /** A record logged the ordinary way, with {0}-style parameters (an odd count), is a formatted message with no fields. */
  @Test
  void aPlainMessageIsFormattedWithItsParameters() {
    String line = new LogFormat(false).format(record("listening on {0}", null, 50051));
    assertThat(line).isEqualTo("1970-01-01T00:00:00Z INFO PartyService: listening on 50,051\n");
  }

  /** install() sends each event to stderr as one UTF-8 line, INFO and above; what it replaced comes back after. */
  @Test
  void anInstalledProcessWritesEachEventAsOneLineOnStderr() {
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    java.util.logging.Handler[] before = root.getHandlers();
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
    try {
      System.setErr(new java.io.PrintStream(got, true, java.nio.charset.StandardCharsets.UTF_8));
      assertThat(LogFormat.install("yaml")).isFalse();
      assertThat(LogFormat.install("text")).isTrue();
      java.util.logging.Logger log = java.util.logging.Logger.getLogger("smpc.dealer.DealerService");
      LogFormat.event(log, Level.INFO, "session start", "session", "3f2a", "requester", "zoë");
      LogFormat.event(log, Level.FINE, "not shown", "session", "3f2a");
      log.log(Level.WARNING, "dealer key {0} expired", "k1");
    } finally {
      System.setErr(err);
      for (java.util.logging.Handler h : root.getHandlers()) root.removeHandler(h);
      for (java.util.logging.Handler h : before) root.addHandler(h);
    }
    assertThat(got.toString(java.nio.charset.StandardCharsets.UTF_8).lines().map(l -> l.substring(l.indexOf(' ') + 1)))
        .containsExactly("INFO DealerService: session start session=3f2a requester=zoë", "WARNING DealerService: dealer key k1 expired");
  }

  /** A value with a line break stays on its line; a record's exception is its one error field, where a field of that name was. */
  @Test
  void aValueNeverStartsALineAndALineHasOneError() {
    String text = new LogFormat(false).format(record("session end", new IllegalStateException("bob left"), "error", "x", "name", "a\nb"));
    assertThat(text).isEqualTo("1970-01-01T00:00:00Z INFO PartyService: session end error=\"bob left\" name=\"a\\nb\"\n");
    String json = new LogFormat(true).format(record("session end", new IllegalStateException("bob left"), "error", "x"));
    assertThat(json).endsWith(",\"error\":\"bob left\"}\n").containsOnlyOnce("\"error\"");
  }
}
