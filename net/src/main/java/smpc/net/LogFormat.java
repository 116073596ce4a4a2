package smpc.net;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event, for people (text) or for log collectors (json): java.util.logging's default is two
 * lines per record naming the lambda that logged. An event is a name and key/value fields ({@link #event});
 * a plain message is an event with no fields. Never pass a share or a secret as a field.
 */
public final class LogFormat extends Formatter {
  private final boolean json;

  LogFormat(boolean json) {
    this.json = json;
  }

  /** Sends every record of this process to stderr as one line: {@code format} "text" or "json" (else false, nothing changed). */
  public static boolean install(String format) {
    if (!format.equals("text") && !format.equals("json")) return false;
    Logger root = Logger.getLogger("");
    for (var h : root.getHandlers()) root.removeHandler(h);
    root.addHandler(new Stderr(new LogFormat(format.equals("json"))));
    return true;
  }

  /**
   * Each record to stderr as one line of UTF-8 bytes, flushed at once, at INFO and above unless the logging
   * configuration sets {@code java.util.logging.ConsoleHandler.level} (as it would for a ConsoleHandler). Not a
   * ConsoleHandler: its writer copies every line through a char buffer and an encoder, which with two lines per
   * session was a twentieth of what a party allocated in a one-element session.
   */
  private static final class Stderr extends Handler {
    private final java.io.PrintStream out = System.err; // as at install, as a ConsoleHandler keeps it

    Stderr(Formatter formatter) {
      setFormatter(formatter);
      setLevel(Level.INFO);
      String level = LogManager.getLogManager().getProperty("java.util.logging.ConsoleHandler.level");
      try {
        if (level != null) setLevel(Level.parse(level.trim()));
      } catch (IllegalArgumentException e) { // as a ConsoleHandler does: a level it cannot read leaves INFO
        reportError("java.util.logging.ConsoleHandler.level '" + level + "' is no level: INFO", e, ErrorManager.GENERIC_FAILURE);
      }
    }

    @Override
    public void publish(LogRecord r) {
      if (!isLoggable(r)) return;
      byte[] line;
      try {
        line = getFormatter().format(r).getBytes(StandardCharsets.UTF_8);
      } catch (RuntimeException e) {
        reportError(null, e, ErrorManager.FORMAT_FAILURE);
        return;
      }
      synchronized (this) { // a line at a time, never two interleaved
        out.write(line, 0, line.length);
        out.flush();
      }
    }

    @Override
    public void flush() {
      out.flush();
    }

    @Override
    public void close() {
      flush();
    }
  }

  /** Logs event {@code name} with fields given as key, value, key, value, ... (in that order on the line). */
  public static void event(Logger log, Level level, String name, Object... keyValues) {
    if (!log.isLoggable(level)) return;
    LogRecord r = new LogRecord(level, name);
    r.setLoggerName(log.getName());
    r.setParameters(keyValues);
    log.log(r);
  }

  /**
   * The line of {@code r}. Fields are written straight from the record's key/value array, in order (a key given
   * twice appears twice): a party logs two lines per session, and a map, an entry per field and each value's
   * text made twice were a tenth of what a one-element session allocated.
   */
  @Override
  public String format(LogRecord r) {
    Object[] kv = r.getParameters();
    boolean fields = kv != null && kv.length % 2 == 0;
    String message = fields ? r.getMessage() : formatMessage(r);
    String error = r.getThrown() == null ? null : Statuses.describe(r.getThrown());
    String logger = r.getLoggerName();
    String source = logger == null ? "" : logger.substring(logger.lastIndexOf('.') + 1);
    StringBuilder b = new StringBuilder(512); // a session end line is about 400 characters: one array, not three as it grows
    if (json) {
      b.append("{\"time\":\"").append(Instant.ofEpochMilli(r.getMillis())).append("\",\"level\":\"").append(r.getLevel().getName())
          .append("\",\"source\":").append(quote(source)).append(",\"event\":").append(quote(message));
    } else {
      b.append(Instant.ofEpochMilli(r.getMillis())).append(' ').append(r.getLevel().getName()).append(' ').append(source).append(": ").append(message);
    }
    for (int i = 0; fields && i < kv.length; i += 2) field(b, String.valueOf(kv[i]), value(kv, i, error));
    if (error != null && !hasError(kv, fields)) field(b, "error", error);
    return b.append(json ? "}\n" : "\n").toString();
  }

  /** Field i's value; the record's exception, described, for a field named error (one error per line). */
  private static Object value(Object[] kv, int i, String error) {
    return error != null && "error".equals(kv[i]) ? error : kv[i + 1];
  }

  private static boolean hasError(Object[] kv, boolean fields) {
    for (int i = 0; fields && i < kv.length; i += 2) if ("error".equals(kv[i])) return true;
    return false;
  }

  /**
   * One field: json's "key":value, or text's key=value; numbers and booleans bare, other values quoted (in text only
   * when they have a space or a control character: a line break in a value never starts a line).
   */
  private void field(StringBuilder b, String key, Object v) {
    if (json) b.append(',').append(quote(key)).append(':');
    else b.append(' ').append(key).append('=');
    if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else {
      String text = String.valueOf(v);
      b.append(json || needsQuotes(text) ? quote(text) : text);
    }
  }

  private static boolean needsQuotes(String s) {
    for (int i = 0; i < s.length(); i++) if (s.charAt(i) <= ' ') return true;
    return false;
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }
}
