package smpc.core.expr;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The binary operators, loosest first: comparisons (which do not chain), then {@code + -}, then
 * {@code * /}, each level left-associative. The parser reads and the printer writes {@link #symbol}.
 */
public enum Operator {
  LT("<", Level.COMPARISON, "less than: a secret 0/1 (exact, one comparison step)"),
  LE("<=", Level.COMPARISON, "at most: a secret 0/1"),
  GT(">", Level.COMPARISON, "greater than: a secret 0/1"),
  GE(">=", Level.COMPARISON, "at least: a secret 0/1"),
  EQ("==", Level.COMPARISON, "equal: a secret 0/1"),
  NE("!=", Level.COMPARISON, "not equal: a secret 0/1"),
  ADD("+", Level.SUM, "addition (local)"),
  SUB("-", Level.SUM, "subtraction (local)"),
  MUL("*", Level.PRODUCT, "multiplication: independent products share one round"),
  DIV("/", Level.PRODUCT, "division: exact floor division of an integer by a public integer, else a real quotient"),
  MATMUL("@", Level.PRODUCT, "matrix product, as matmul(a, b)");

  /** Precedence levels, loosest first. */
  public enum Level { COMPARISON, SUM, PRODUCT }

  /** Longest symbol first, so that {@code <=} is read before {@code <}. */
  static final List<Operator> BY_LENGTH = Arrays.stream(values())
      .sorted(Comparator.comparingInt((Operator o) -> -o.symbol.length())).toList();

  private final String symbol;
  private final Level level;
  private final String doc;

  Operator(String symbol, Level level, String doc) {
    this.symbol = symbol;
    this.level = level;
    this.doc = doc;
  }

  public String symbol() {
    return symbol;
  }

  public Level level() {
    return level;
  }

  /** One line for help texts and docs/functions.md. */
  public String doc() {
    return doc;
  }
}
