package smpc.core.testing;

import java.lang.reflect.Method;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.params.provider.AnnotationBasedArgumentsProvider;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.support.ParameterDeclarations;
import org.opentest4j.TestAbortedException;

/**
 * Seeded random cases for property tests, and generators with the edge cases a property-testing library
 * mixes in. One base seed per run, fresh each time so that runs keep exploring new cases, or
 * {@code -Dsmpc.seed=N} to repeat a run's cases; each test derives its own seeds from it and its name.
 */
public final class Seeds {
  private Seeds() {}

  public static final long BASE = Long.getLong("smpc.seed", new SecureRandom().nextLong());

  /** Zero, ±1, ±2 and both ends of the ring: checked explicitly, and mixed into {@link #anyLong}. */
  public static final long[] EDGES = {0, 1, -1, 2, -2, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, Long.MAX_VALUE - 1};

  /** The seeds of a test's cases: the same for a test on every run with the same base seed. */
  static LongStream seeds(String test, int count) {
    return new SplittableRandom(BASE ^ 0x9E3779B97F4A7C15L * test.hashCode()).longs(count);
  }

  /** An edge value, a small one, one of any bit length, or any long, each often enough to matter. */
  public static long anyLong(Random rnd) {
    return switch (rnd.nextInt(8)) {
      case 0 -> EDGES[rnd.nextInt(EDGES.length)];
      case 1, 2 -> rnd.nextInt(2001) - 1000;
      case 3, 4, 5 -> rnd.nextLong() >> rnd.nextInt(64);
      default -> rnd.nextLong();
    };
  }

  /** A length in [min, max]: half the time one of the shortest few (the empty vector, when allowed, and length 1). */
  public static int length(Random rnd, int min, int max) {
    return rnd.nextBoolean() ? min + rnd.nextInt(Math.min(max - min, 3) + 1) : min + rnd.nextInt(max - min + 1);
  }

  /** A vector of {@link #anyLong}s with a {@link #length} in [min, max]. */
  public static long[] longs(Random rnd, int min, int max) {
    long[] v = new long[length(rnd, min, max)];
    for (int i = 0; i < v.length; i++) v[i] = anyLong(rnd);
    return v;
  }

  /** Vectors of edge values: the empty one (when min is 0), each edge alone, and all edges together. */
  public static List<long[]> edgeVectors(int min) {
    List<long[]> out = new ArrayList<>();
    if (min == 0) out.add(new long[0]);
    for (long e : EDGES) out.add(new long[] {e});
    out.add(EDGES.clone());
    return out;
  }

  /** Arguments of a {@link Seeded} test: its seeds, with each party count when it has some. */
  static final class Cases extends AnnotationBasedArgumentsProvider<Seeded> {
    @Override
    protected Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context, Seeded s) {
      Method m = context.getRequiredTestMethod(); // the declaring class: a suite's subclasses get the same cases
      String test = m.getDeclaringClass().getName() + "#" + m.getName();
      if (s.parties().length == 0) return seeds(test, s.value()).mapToObj(Arguments::of);
      return Arrays.stream(s.parties()).boxed()
          .flatMap(n -> seeds(test + "/" + n, s.value()).mapToObj(seed -> Arguments.of(n, seed)));
    }
  }

  /** Names the failing case's seed, and the base seed that repeats it, in its error. */
  static final class NameTheSeed implements InvocationInterceptor {
    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
        ExtensionContext context) throws Throwable {
      try {
        invocation.proceed();
      } catch (TestAbortedException e) {
        throw e;
      } catch (Throwable t) {
        List<Object> args = call.getArguments();
        String parties = args.size() > 1 ? " with " + args.get(0) + " parties" : "";
        throw new AssertionError(String.format("seed=%s%s failed (this run's base seed is %d: -Dsmpc.seed=%d repeats its cases)",
            args.get(args.size() - 1), parties, BASE, BASE), t);
      }
    }
  }
}
