package smpc.core.expr;

import static smpc.core.Errors.invalid;

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the {@link Operator}s, unary minus, parentheses, integer literals, value names
 * and calls of the {@link Builtin} functions. Errors name the column and what was expected; a well-formed
 * expression calling an unknown function is refused as the compiler would refuse it. An expression
 * deeper than {@link #MAX_DEPTH} is refused with one line: the parser and every compiler pass after it
 * recurse over the tree, and a thread's stack would otherwise end it with a StackOverflowError.
 */
public final class Parser {
  /** Levels an expression tree may have: parentheses, calls, signs and each operator of a chain count one. */
  public static final int MAX_DEPTH = 200;
  /** The longest number a user may write, in characters: far beyond what 64-bit fixed point keeps. */
  public static final int MAX_LITERAL = 400;

  private final String src;
  private int pos;
  private int nesting = -1; // open parentheses, call arguments and signs around the parser's position
  private final List<String> called = new ArrayList<>(); // outer calls first, as the compiler meets them

  private Parser(String src) {
    this.src = src;
  }

  public static Expr parse(String text) {
    if (text == null || text.isBlank()) throw invalid("malformed expression: it is empty");
    Parser p = new Parser(text);
    Expr e = p.comparison();
    p.skipSpace();
    if (p.pos < text.length()) throw p.error("unexpected '" + text.charAt(p.pos) + "'");
    for (String fn : p.called) if (Builtin.named(fn) == null) throw Builtin.unknown(fn);
    if (depth(e) > MAX_DEPTH) throw tooDeep();
    return e;
  }

  private static RuntimeException tooDeep() {
    return invalid("expression nested deeper than %d levels (each parenthesis, call, sign and operator of a chain is one;"
        + " sum a vector rather than chaining thousands of '+')", MAX_DEPTH);
  }

  /** The tree's depth, without recursion (operator chains are as deep as they are long). */
  static int depth(Expr root) {
    int deepest = 0;
    java.util.ArrayDeque<Object[]> todo = new java.util.ArrayDeque<>();
    todo.push(new Object[] {root, 1});
    while (!todo.isEmpty()) {
      Object[] top = todo.pop();
      int d = (Integer) top[1];
      deepest = Math.max(deepest, d);
      if (deepest > MAX_DEPTH) return deepest;
      for (Expr child : ((Expr) top[0]).children()) todo.push(new Object[] {child, d + 1});
    }
    return deepest;
  }

  /** A comparison (not associative: `a < b < c` is an error); yields a secret 0/1. */
  private Expr comparison() {
    if (++nesting > MAX_DEPTH) throw tooDeep(); // each nested comparison is a '(' or a call's argument
    try {
      return comparisonBody();
    } finally {
      nesting--;
    }
  }

  private Expr comparisonBody() {
    Expr left = sum();
    Operator op = operator(Operator.Level.COMPARISON);
    if (op == null) {
      if (eat('=')) throw error("'=' is not an operator; compare with '=='");
      if (eat('!')) throw error("expected '!='");
      return left;
    }
    Expr right = sum();
    skipSpace();
    if (peek() == '<' || peek() == '>' || peek() == '=' || peek() == '!') {
      throw error("comparisons do not chain; use parentheses, e.g. (a < b) * (b < c)");
    }
    return new Expr.Bin(op, left, right);
  }

  private Expr sum() {
    Expr e = product();
    for (Operator op; (op = operator(Operator.Level.SUM)) != null; ) e = new Expr.Bin(op, e, product());
    return e;
  }

  private Expr product() {
    Expr e = unary();
    for (Operator op; (op = operator(Operator.Level.PRODUCT)) != null; ) e = new Expr.Bin(op, e, unary());
    return e;
  }

  /** The operator of this precedence level that the text continues with, consumed; or null. */
  private Operator operator(Operator.Level level) {
    skipSpace();
    for (Operator op : Operator.BY_LENGTH) {
      if (op.level() == level && src.startsWith(op.symbol(), pos)) {
        pos += op.symbol().length();
        return op;
      }
    }
    return null;
  }

  private Expr unary() {
    skipSpace();
    if (peek() != '-' && peek() != '+') return primary();
    if (++nesting > MAX_DEPTH) throw tooDeep(); // signs recurse here even where they fold into a literal
    try {
      if (eat('+')) return unary();
      eat('-');
      Expr x = unary();
      if (x instanceof Expr.Num n) return new Expr.Num(-n.value());
      if (x instanceof Expr.Dec d) return new Expr.Dec(d.value().negate());
      return new Expr.Neg(x);
    } finally {
      nesting--;
    }
  }

  private Expr primary() {
    skipSpace();
    char c = peek();
    if (eat('(')) {
      Expr e = comparison();
      expect(')');
      return e;
    }
    if (Character.isDigit(c)) return number();
    if (Character.isLetter(c) || c == '_') {
      String name = identifier();
      skipSpace();
      if (!eat('(')) return new Expr.Ref(name);
      called.add(name);
      List<Expr> args = new ArrayList<>();
      skipSpace();
      if (!eat(')')) {
        do args.add(comparison()); while (eatSpaced(','));
        expect(')');
      }
      return new Expr.Call(name, args);
    }
    if (c == 0) throw error("expected a value, a name or '(' but the expression ended");
    throw error("expected a value, a name or '(' but found '" + c + "'");
  }

  private Expr number() {
    int start = pos;
    while (Character.isDigit(peek())) pos++;
    if (peek() == '.' || peek() == 'e' || peek() == 'E') {
      if (eat('.')) while (Character.isDigit(peek())) pos++;
      if (peek() == 'e' || peek() == 'E') {
        pos++;
        if (peek() == '+' || peek() == '-') pos++;
        if (!Character.isDigit(peek())) throw error("malformed exponent in '" + src.substring(start, pos) + "'");
        while (Character.isDigit(peek())) pos++;
      }
      if (pos - start > MAX_LITERAL) { // a million digits take seconds to parse
        throw invalid("the number at column %d has %d characters; at most %d", start + 1, pos - start, MAX_LITERAL);
      }
      try {
        return new Expr.Dec(new java.math.BigDecimal(src.substring(start, pos)));
      } catch (NumberFormatException e) { // 1e999999999999999999: an exponent beyond what BigDecimal holds
        throw invalid("the number at column %d has an exponent out of range", start + 1);
      }
    }
    String digits = src.substring(start, pos);
    try {
      return new Expr.Num(Long.parseLong(digits));
    } catch (NumberFormatException e) {
      throw invalid("integer literal %s at column %d is out of the 64-bit range", digits, start + 1);
    }
  }

  private String identifier() {
    int start = pos;
    while (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '.') pos++;
    return src.substring(start, pos);
  }

  private void expect(char c) {
    skipSpace();
    if (!eat(c)) {
      throw error(pos < src.length() ? "expected '" + c + "' but found '" + src.charAt(pos) + "'"
          : "expected '" + c + "' but the expression ended");
    }
  }

  private boolean eatSpaced(char c) {
    skipSpace();
    return eat(c);
  }

  private boolean eat(char c) {
    if (peek() == c) {
      pos++;
      return true;
    }
    return false;
  }

  private char peek() {
    return pos < src.length() ? src.charAt(pos) : 0;
  }

  private void skipSpace() {
    while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) pos++;
  }

  private RuntimeException error(String what) {
    return invalid("malformed expression at column %d: %s", pos + 1, what);
  }
}
