package smpc.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** Every kernel benchmark compiles and runs (one short iteration on a small vector, in this JVM). */
class KernelsSmokeTest {
  @Test
  void everyKernelRunsOnce() throws Exception {
    Collection<RunResult> results = new Runner(new OptionsBuilder().include(Kernels.class.getSimpleName()).param("n", "10000")
        .forks(0).warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(50))
        .shouldFailOnError(true).build()).run();
    assertThat(results).hasSize(8);
    for (RunResult r : results) assertThat(r.getPrimaryResult().getScore()).as(r.getParams().getBenchmark()).isPositive();
  }
}
