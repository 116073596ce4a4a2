package smpc.net;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One line per event, for people (text) or for log collectors (json): java.util.logging's default is two
 * lines per record naming the lambda that logged. An event is a name and key/value fields ({@link #event});
 * a plain message is an event with no fields. Never pass a share or a secret as a field.
 */
public final class LogFormat extends Formatter {
  private final boolean json;

  private LogFormat(boolean json) {
    this.json = json;
  }

  /** Sends every record of this process to stderr as one line: {@code format} "text" or "json" (else false, nothing changed). */
  public static boolean install(String format) {
    if (!format.equals("text") && !format.equals("json")) return false;
    Logger root = Logger.getLogger("");
    for (var h : root.getHandlers()) root.removeHandler(h);
    ConsoleHandler h = new ConsoleHandler();
    h.setFormatter(new LogFormat(format.equals("json")));
    root.addHandler(h);
    return true;
  }

  /** Logs event {@code name} with fields given as key, value, key, value, ... (in that order on the line). */
  public static void event(Logger log, Level level, String name, Object... keyValues) {
    if (!log.isLoggable(level)) return;
    LogRecord r = new LogRecord(level, name);
    r.setLoggerName(log.getName());
    r.setParameters(keyValues);
    log.log(r);
  }

  @Override
  public String format(LogRecord r) {
    Map<String, Object> fields = new LinkedHashMap<>();
    Object[] kv = r.getParameters();
    String message = kv != null && kv.length % 2 == 0 ? r.getMessage() : formatMessage(r);
    if (kv != null && kv.length % 2 == 0) for (int i = 0; i < kv.length; i += 2) fields.put(String.valueOf(kv[i]), kv[i + 1]);
    if (r.getThrown() != null) fields.put("error", Statuses.describe(r.getThrown()));
    String source = r.getLoggerName() == null ? "" : r.getLoggerName().substring(r.getLoggerName().lastIndexOf('.') + 1);
    StringBuilder b = new StringBuilder();
    if (json) {
      b.append("{\"time\":\"").append(Instant.ofEpochMilli(r.getMillis())).append("\",\"level\":\"").append(r.getLevel().getName())
          .append("\",\"source\":").append(quote(source)).append(",\"event\":").append(quote(message));
      fields.forEach((k, v) -> b.append(',').append(quote(k)).append(':').append(v instanceof Number || v instanceof Boolean ? v : quote(String.valueOf(v))));
      return b.append("}\n").toString();
    }
    b.append(Instant.ofEpochMilli(r.getMillis())).append(' ').append(r.getLevel().getName()).append(' ').append(source).append(": ").append(message);
    fields.forEach((k, v) -> b.append(' ').append(k).append('=').append(String.valueOf(v).contains(" ") ? quote(String.valueOf(v)) : v));
    return b.append('\n').toString();
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
