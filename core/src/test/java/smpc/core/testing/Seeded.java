package smpc.core.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * A property checked on seeded random cases: the test method takes a {@code long seed} (preceded by an
 * {@code int} party count when {@link #parties} is given) and runs once per case. The seeds come from
 * {@link Seeds#BASE}; a failing case's error names its seed and the base seed that replays it.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "[{index}] {arguments}")
@ArgumentsSource(Seeds.Cases.class)
@ExtendWith(Seeds.NameTheSeed.class)
public @interface Seeded {
  /** Cases (seeds), for each party count when there are any. */
  int value();

  /** Party counts: every seed runs with each. */
  int[] parties() default {};
}
