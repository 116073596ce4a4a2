package smpc.party;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import smpc.net.Grpc;
import smpc.net.Tls;

/**
 * The pool for calls whose work may wait a little (a record synced to the disk, a value's chunk read or written, a
 * consent saved) but never for another party: a few threads, and a queue per principal served in turns, one task of
 * each principal with work before the next of any. On one queue a flood from one certificate (30,000 refused inputs,
 * each waiting for its audit record's sync) held every other principal's calls, the data owner's among them, behind
 * the whole flood; in turns they wait for at most one task of each other principal. The principal is the caller's
 * certificate as the TLS interceptor put it in the call's context, never a request field; without TLS all share one
 * queue. A flood still costs its own queue's memory (a few hundred bytes a task), not threads.
 */
final class CallsPool implements Executor {
  static final int THREADS = 4;

  private final ThreadPoolExecutor threads;
  private final Map<String, ArrayDeque<Runnable>> queued = new HashMap<>();
  private final ArrayDeque<String> turns = new ArrayDeque<>(); // principals with queued tasks, next first
  private int running; // workers taking turns, at most THREADS

  CallsPool() {
    this(new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), Grpc.daemonThreads("party-calls")));
    threads.allowCoreThreadTimeOut(true);
  }

  /** On {@code threads}, which runs the workers (a test's runs them when it chooses). */
  CallsPool(ThreadPoolExecutor threads) {
    this.threads = threads;
  }

  /** Queues {@code task} under the calling principal (of the current gRPC context). */
  @Override
  public void execute(Runnable task) {
    execute(principal(), task);
  }

  /** The current call's principal, from its certificate; "" on a plaintext server, which has none to tell apart. */
  static String principal() {
    String who = Tls.caller();
    return who != null ? who : "";
  }

  void execute(String principal, Runnable task) {
    boolean start;
    synchronized (this) {
      if (threads.isShutdown()) throw new java.util.concurrent.RejectedExecutionException("the party is stopping");
      queued.computeIfAbsent(principal, p -> {
        turns.addLast(p);
        return new ArrayDeque<>();
      }).addLast(task);
      start = running < THREADS;
      if (start) running++;
    }
    if (start) threads.execute(this::work);
  }

  /** Runs tasks in turns until none is queued. */
  private void work() {
    for (Runnable task; (task = next()) != null; ) {
      try {
        task.run();
      } catch (RuntimeException | Error e) { // a task's failure is its own (handlers report theirs); the worker goes on
        java.util.logging.Logger.getLogger(CallsPool.class.getName()).log(java.util.logging.Level.WARNING, "task failed", e);
      }
    }
  }

  private synchronized Runnable next() {
    String principal = threads.isShutdown() ? null : turns.pollFirst();
    if (principal == null) {
      running--;
      return null;
    }
    ArrayDeque<Runnable> q = queued.get(principal);
    Runnable task = q.pollFirst();
    if (q.isEmpty()) queued.remove(principal);
    else turns.addLast(principal);
    return task;
  }

  /** How many tasks wait, for tests. */
  synchronized int waiting() {
    return queued.values().stream().mapToInt(ArrayDeque::size).sum();
  }

  ThreadPoolExecutor threads() {
    return threads;
  }
}
