package smpc.party;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import smpc.core.protocol.LocalProtocol;
import smpc.core.ring.Packing;
import smpc.net.LogFormat;
import smpc.proto.Instr;
import smpc.proto.Op;
import smpc.proto.Plan;

/** Each party logs one line when a session starts and one when it ends (after its reply left), both naming the session. */
class SessionLogTest {
  @Test
  void sessionStartAndEndAreOneEventEachWithTheSessionId() throws Exception {
    List<LogRecord> records = java.util.Collections.synchronizedList(new ArrayList<>());
    Handler capture = new Handler() {
      public void publish(LogRecord r) {
        records.add(r);
      }

      public void flush() {}

      public void close() {}
    };
    Logger log = Logger.getLogger(PartyService.class.getName());
    log.addHandler(capture);
    try (InProcessCluster c = new InProcessCluster(List.of("alice", "bob"), LocalProtocol.FRAC_BITS)) {
      Plan plan = Plan.newBuilder()
          .addInstrs(Instr.newBuilder().setOp(Op.CONST).addDst(0).setConstant(ByteString.copyFrom(Packing.toBytes(new long[] {7}))))
          .addInstrs(Instr.newBuilder().setOp(Op.REVEAL).addSrc(0).setParty("alice")).build();
      c.run(plan);
      // the end line follows the reply (off the caller's path): wait for it, up to 10 s
      long until = System.currentTimeMillis() + 10_000;
      while (records.stream().filter(r -> r.getMessage().equals("session end")).count() < 2 && System.currentTimeMillis() < until) {
        Thread.sleep(5);
      }
    } finally {
      log.removeHandler(capture);
    }
    List<LogRecord> starts = records.stream().filter(r -> r.getMessage().equals("session start")).toList();
    List<LogRecord> ends = records.stream().filter(r -> r.getMessage().equals("session end")).toList();
    assertThat(starts).hasSize(2);
    assertThat(ends).hasSize(2);
    String session = (String) field(starts.get(0), "session");
    assertThat(session).matches("[0-9a-f]{8}");
    for (LogRecord r : ends) {
      assertThat(field(r, "session")).isEqualTo(session);
      assertThat((String) field(r, "session_digest")).matches("[0-9a-f]{64}");
      assertThat(field(r, "parties")).isEqualTo(2);
      assertThat(field(r, "rounds")).isNotNull();
      assertThat(field(r, "bytes_sent")).isNotNull();
      assertThat(field(r, "duration_ms")).isNotNull();
      assertThat(field(r, "principal")).isNotNull();
    }
    String json = jsonLine(ends.get(0));
    assertThat(json).startsWith("{\"time\":\"").contains("\"level\":\"INFO\",\"source\":\"PartyService\",\"event\":\"session end\"")
        .contains("\"session\":\"" + session + "\"").contains("\"parties\":2").endsWith("}\n");
    assertThat(json.indexOf('\n')).isEqualTo(json.length() - 1);
  }

  private static Object field(LogRecord r, String key) {
    Object[] kv = r.getParameters();
    for (int i = 0; i + 1 < kv.length; i += 2) if (kv[i].equals(key)) return kv[i + 1];
    throw new AssertionError(key + " not in " + Arrays.toString(kv));
  }

  /** The record as --log-format json writes it. */
  private static String jsonLine(LogRecord r) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.util.logging.StreamHandler h = new java.util.logging.StreamHandler(bytes, formatter("json"));
    h.publish(r);
    h.flush();
    return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static java.util.logging.Formatter formatter(String format) {
    Logger root = Logger.getLogger("");
    Handler[] before = root.getHandlers();
    LogFormat.install(format);
    java.util.logging.Formatter f = root.getHandlers()[0].getFormatter();
    for (Handler h : root.getHandlers()) root.removeHandler(h);
    for (Handler h : before) root.addHandler(h);
    return f;
  }
}
