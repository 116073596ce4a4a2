package smpc.core.expr;

import java.util.List;
import smpc.proto.ValueInfo;

/**
 * The compiler's intermediate form: one node per value of the computation, a vector of {@link #len}
 * ring elements at {@link #scale} fractional bits (0 for integers). The {@link Builder} shares a node
 * wherever a value is used twice, so nodes are told apart by identity: every map keyed by nodes is an
 * IdentityHashMap (the records' own equals and hashCode would compare whole subgraphs).
 */
sealed interface Node {
  int len();

  int scale();

  /** The nodes this one reads, in the order its instruction takes them. */
  List<Node> inputs();

  /** A value shared among the computing parties, loaded from their stores. */
  record Load(ValueInfo info, int len, int scale) implements Node {
    public List<Node> inputs() {
      return List.of();
    }
  }

  /** A private value, shared by its owner. */
  record Share(ValueInfo info, int len, int scale) implements Node {
    public List<Node> inputs() {
      return List.of();
    }
  }

  /** A public constant: folded where it meets other constants, else one CONST instruction when first used. */
  record Const(long[] value, int scale) implements Node {
    public int len() {
      return value.length;
    }

    public List<Node> inputs() {
      return List.of();
    }
  }

  record Add(Node x, Node y, int len, int scale) implements Node {
    public List<Node> inputs() {
      return List.of(x, y);
    }
  }

  record Sub(Node x, Node y, int len, int scale) implements Node {
    public List<Node> inputs() {
      return List.of(x, y);
    }
  }

  record Neg(Node x, int len, int scale) implements Node {
    public List<Node> inputs() {
      return List.of(x);
    }
  }

  /** x times a public constant (local); also how a value is relabelled at another scale. */
  record MulPublic(Node x, Const k, int len, int scale) implements Node {
    public List<Node> inputs() {
      return List.of(x, k);
    }
  }

  /** A product of two secret values: a Beaver triple per element, one round. */
  record Mul(Node x, Node y, int len, int scale) implements Node {
    public List<Node> inputs() {
      return List.of(x, y);
    }
  }

  /** x (n x m) times y (m x k), both secret, row-major: one dealer matrix triple, one round. */
  record MatMul(Node x, Node y, int n, int m, int k, int scale) implements Node {
    public int len() {
      return n * k;
    }

    public List<Node> inputs() {
      return List.of(x, y);
    }
  }

  /** The sum of a vector's elements (local). */
  record Sum(Node x, int scale) implements Node {
    public int len() {
      return 1;
    }

    public List<Node> inputs() {
      return List.of(x);
    }
  }

  /** x / 2^(x.scale - scale): a truncation pair per element, one round. */
  record Trunc(Node x, int len, int scale) implements Node {
    int bits() {
      return x.scale() - scale;
    }

    public List<Node> inputs() {
      return List.of(x);
    }
  }

  /** [x < 0] as a secret 0/1 per element: one comparison step. */
  record LessThanZero(Node x, int len) implements Node {
    public int scale() {
      return 0;
    }

    public List<Node> inputs() {
      return List.of(x);
    }
  }

  /** [x == 0] as a secret 0/1 per element: one comparison step, shared with the LessThanZero nodes of its round. */
  record EqualsZero(Node x, int len) implements Node {
    public int scale() {
      return 0;
    }

    public List<Node> inputs() {
      return List.of(x);
    }
  }

  record Slice(Node x, int offset, int len, int scale) implements Node {
    public List<Node> inputs() {
      return List.of(x);
    }
  }

  record Concat(Node a, Node b, int len, int scale) implements Node {
    public List<Node> inputs() {
      return List.of(a, b);
    }
  }

  /** Per element of x (|x| < 2^bits): the one-hot top bit of |x| and [x < 0], bits + 1 secret 0/1s (NORM). */
  record Norm(Node x, int bits, int len) implements Node {
    public int scale() {
      return 0;
    }

    public List<Node> inputs() {
      return List.of(x);
    }
  }

  /** Per group of table.length elements of a NORM: the dot product with the public table (local). */
  record Lookup(Node norm, long[] table, int len, int scale) implements Node {
    public List<Node> inputs() {
      return List.of(norm);
    }
  }

  /** x[indices[0]], x[indices[1]], ... (local). */
  record Gather(Node x, long[] indices, int scale) implements Node {
    public int len() {
      return indices.length;
    }

    public List<Node> inputs() {
      return List.of(x);
    }
  }
}
