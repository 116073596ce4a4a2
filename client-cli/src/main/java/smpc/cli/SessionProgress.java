package smpc.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import smpc.sdk.Cluster;

/**
 * A long evaluation's progress on stderr, as its first party reports it in rounds: a bar on a terminal
 * (it redraws its line with \r), else a plain line at most every {@link #LINE_EVERY_NANOS} (a file or a
 * pipe gets no \r frames). Nothing in an evaluation's first second: a quick one shows nothing at all.
 */
final class SessionProgress implements AutoCloseable {
  static final long LINE_EVERY_NANOS = 5_000_000_000L;
  static final long QUIET_NANOS = 1_000_000_000L;

  private final long start = System.nanoTime();
  private final long quietNanos;

  private final PrintWriter err;
  private final boolean terminal;
  private ProgressBar bar;
  private long nextLine;
  private int lines;
  private int total; // the rounds the party last reported the session to have
  private boolean shown;

  private SessionProgress(PrintWriter err, boolean terminal, long quietNanos) {
    this.err = err;
    this.terminal = terminal;
    this.quietNanos = quietNanos;
  }

  /** Plain lines to {@code err}, none in the first {@code quietNanos}. */
  static SessionProgress plain(PrintWriter err, long quietNanos) {
    return new SessionProgress(err, false, quietNanos);
  }

  /** Shows {@code c}'s session progress on {@code err} until closed. */
  static SessionProgress show(Cluster c, PrintWriter err) {
    SessionProgress p = new SessionProgress(err, Agent.terminal(), QUIET_NANOS);
    c.onProgress(p::report);
    return p;
  }

  synchronized void report(int done, int total) {
    if (System.nanoTime() - start < quietNanos) return;
    shown = true;
    this.total = total;
    if (terminal) {
      if (bar == null) {
        bar = new ProgressBarBuilder().setTaskName("rounds").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
            .setConsumer(new DelegatingProgressBarConsumer(line -> {
              err.print('\r' + line);
              err.flush();
            }, 100)).continuousUpdate().build();
      }
      bar.stepTo(done);
      return;
    }
    long now = System.nanoTime();
    if (lines++ > 0 && now - nextLine < 0) return;
    nextLine = now + LINE_EVERY_NANOS;
    err.printf("round %d of %d (%d%%)%n", done, total, total > 0 ? 100L * done / total : 100);
    err.flush();
  }

  /**
   * The session ended well: a plain line says so if an earlier line was printed (the last one,
   * "round 1 of 70", would otherwise stand as if the session had stopped there); a bar is drawn full.
   */
  synchronized void finished() {
    if (bar != null) bar.stepTo(bar.getMax());
    else if (lines > 0) err.printf("round %d of %d (100%%)%n", total, total);
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
      err.println();
    }
    if (shown) err.flush();
  }
}
