package org.citytwin.model.catalog;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;

import java.util.ArrayList;
import java.util.List;

/**
 * A CEL filter of a simple shape compiled from its checked syntax tree into plain Java: numeric
 * comparisons ({@code value > 30}, {@code value >= 0.95 * capacity}, {@code value > setpoint + 3.0}),
 * string equality with a literal ({@code rating == '5A'}), boolean variables ({@code online},
 * {@code led}) and {@code !}, {@code &&}, {@code ||} over those. It gives CEL's result for variables of
 * their declared types (a {@link Double} for numbers, {@link String}, {@link Boolean}); for any other
 * value the caller evaluates the CEL program, which also decides what happens then.
 * <p>CEL's semantics kept here (cel-java 0.11, heterogeneous numeric comparisons on): double against
 * double compares as Java's operators (NaN compares false, -0.0 equals 0.0); double against an int
 * literal compares as {@code Double.compare} with the literal converted to double (so NaN is
 * greater than every int, and -0.0 is less than 0); double arithmetic is IEEE (no errors).
 */
public final class PlainPredicate {
    /** The variables read other than the reading's {@code value} and {@code online}, in first-use order. */
    private final String[] names;
    /** The Java class each of {@link #names} must have for this predicate to decide. */
    private final Class<?>[] expected;
    private final boolean readsReading;
    private final Test root;

    private PlainPredicate(String[] names, Class<?>[] expected, boolean readsReading, Test root) {
        this.names = names;
        this.expected = expected;
        this.readsReading = readsReading;
        this.root = root;
    }

    /**
     * The plain form of a checked boolean expression, or null when its shape is not one of those
     * above. With {@code reading}, {@code value} and {@code online} are the reading's; otherwise
     * every identifier is a named variable (event filters).
     */
    public static PlainPredicate of(CelAbstractSyntaxTree ast, boolean reading) {
        Builder b = new Builder(ast, reading);
        Test root = b.test(ast.getExpr());
        return root == null ? null : new PlainPredicate(b.names.toArray(new String[0]),
                b.expected.toArray(new Class<?>[0]), b.readsReading, root);
    }

    /** The named variables this predicate reads (not the reading's value and online). */
    public String[] names() { return names.clone(); }

    public int nameCount() { return names.length; }

    public String name(int i) { return names[i]; }

    /** Whether the value bound to variable {@code i} has its declared type, so that {@link #test} decides. */
    public boolean decides(int i, Object bound) {
        return bound != null && bound.getClass() == expected[i];
    }

    /** Whether it reads the reading's {@code value} or {@code online}. */
    public boolean readsReading() { return readsReading; }

    /** The result, given the variables in the order of {@link #names}, each of its declared type. */
    public boolean test(double value, boolean online, Object[] vars) {
        return root.test(value, online, vars);
    }

    // ---- the tree ----

    private interface Test {
        boolean test(double value, boolean online, Object[] vars);
    }

    private interface Num {
        double eval(double value, Object[] vars);
    }

    private enum Op { LT, LE, GT, GE, EQ, NE }

    /** CEL's comparison of a double with an int (cel-java's ComparisonFunctions.compareDoubleInt). */
    static int compareDoubleInt(double d, long l) {
        if (d < -9.223372036854776E18) {
            return -1;
        }
        if (d > 9.223372036854776E18) {
            return 1;
        }
        return Double.compare(d, (double) l);
    }

    private record Online() implements Test {
        public boolean test(double value, boolean online, Object[] vars) { return online; }
    }

    private record BoolVar(int i) implements Test {
        public boolean test(double value, boolean online, Object[] vars) { return (Boolean) vars[i]; }
    }

    private record Not(Test a) implements Test {
        public boolean test(double value, boolean online, Object[] vars) { return !a.test(value, online, vars); }
    }

    private record And(Test a, Test b) implements Test {
        public boolean test(double value, boolean online, Object[] vars) {
            return a.test(value, online, vars) && b.test(value, online, vars);
        }
    }

    private record Or(Test a, Test b) implements Test {
        public boolean test(double value, boolean online, Object[] vars) {
            return a.test(value, online, vars) || b.test(value, online, vars);
        }
    }

    private record StringEquals(int i, String literal, boolean equal) implements Test {
        public boolean test(double value, boolean online, Object[] vars) { return literal.equals(vars[i]) == equal; }
    }

    /** Double against double: Java's operators. */
    private record Compare(Op op, Num a, Num b) implements Test {
        public boolean test(double value, boolean online, Object[] vars) {
            double x = a.eval(value, vars);
            double y = b.eval(value, vars);
            return switch (op) {
                case LT -> x < y;
                case LE -> x <= y;
                case GT -> x > y;
                case GE -> x >= y;
                case EQ -> x == y;
                case NE -> x != y;
            };
        }
    }

    /** Double against an int literal (the literal on the right; a literal on the left is mirrored). */
    private record CompareInt(Op op, Num a, long literal) implements Test {
        public boolean test(double value, boolean online, Object[] vars) {
            int c = compareDoubleInt(a.eval(value, vars), literal);
            return switch (op) {
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                case GE -> c >= 0;
                case EQ, NE -> throw new IllegalStateException("CEL has no double == int");
            };
        }
    }

    private record Value() implements Num {
        public double eval(double value, Object[] vars) { return value; }
    }

    private record NumVar(int i) implements Num {
        public double eval(double value, Object[] vars) { return (Double) vars[i]; }
    }

    private record NumLiteral(double d) implements Num {
        public double eval(double value, Object[] vars) { return d; }
    }

    private record Times(Num a, Num b) implements Num {
        public double eval(double value, Object[] vars) { return a.eval(value, vars) * b.eval(value, vars); }
    }

    private record Plus(Num a, Num b) implements Num {
        public double eval(double value, Object[] vars) { return a.eval(value, vars) + b.eval(value, vars); }
    }

    private record Minus(Num a, Num b) implements Num {
        public double eval(double value, Object[] vars) { return a.eval(value, vars) - b.eval(value, vars); }
    }

    /** Walks the checked tree; null wherever a node is not of a recognised shape. */
    private static final class Builder {
        private final CelAbstractSyntaxTree ast;
        private final boolean reading;
        private final List<String> names = new ArrayList<>();
        private final List<Class<?>> expected = new ArrayList<>();
        private boolean readsReading;

        Builder(CelAbstractSyntaxTree ast, boolean reading) {
            this.ast = ast;
            this.reading = reading;
        }

        private CelType type(CelExpr e) {
            return ast.getType(e.id()).orElse(null);
        }

        private int variable(String name, Class<?> cls) {
            int i = names.indexOf(name);
            if (i >= 0) {
                return expected.get(i) == cls ? i : -1;
            }
            names.add(name);
            expected.add(cls);
            return names.size() - 1;
        }

        Test test(CelExpr e) {
            switch (e.getKind()) {
                case IDENT: {
                    String name = e.ident().name();
                    if (!SimpleType.BOOL.equals(type(e))) {
                        return null;
                    }
                    if (reading && name.equals("online")) {
                        readsReading = true;
                        return new Online();
                    }
                    if (reading && name.equals("value")) {
                        return null;
                    }
                    int i = variable(name, Boolean.class);
                    return i < 0 ? null : new BoolVar(i);
                }
                case CALL:
                    return call(e.call());
                default:
                    return null;
            }
        }

        private Test call(CelExpr.CelCall c) {
            if (c.target().isPresent()) {
                return null;
            }
            List<CelExpr> args = c.args();
            switch (c.function()) {
                case "!_": {
                    Test a = args.size() == 1 ? test(args.get(0)) : null;
                    return a == null ? null : new Not(a);
                }
                case "_&&_":
                case "_||_": {
                    if (args.size() != 2) {
                        return null;
                    }
                    Test a = test(args.get(0));
                    Test b = a == null ? null : test(args.get(1));
                    if (b == null) {
                        return null;
                    }
                    return c.function().equals("_&&_") ? new And(a, b) : new Or(a, b);
                }
                case "_<_": return compare(Op.LT, args);
                case "_<=_": return compare(Op.LE, args);
                case "_>_": return compare(Op.GT, args);
                case "_>=_": return compare(Op.GE, args);
                case "_==_": return equality(true, args);
                case "_!=_": return equality(false, args);
                default: return null;
            }
        }

        private Test equality(boolean equal, List<CelExpr> args) {
            if (args.size() != 2) {
                return null;
            }
            Test strings = stringEquality(equal, args.get(0), args.get(1));
            if (strings == null) {
                strings = stringEquality(equal, args.get(1), args.get(0));
            }
            return strings != null ? strings : compare(equal ? Op.EQ : Op.NE, args);
        }

        /** A string variable against a string literal. */
        private Test stringEquality(boolean equal, CelExpr variable, CelExpr literal) {
            if (variable.getKind() != CelExpr.ExprKind.Kind.IDENT || !SimpleType.STRING.equals(type(variable))
                    || literal.getKind() != CelExpr.ExprKind.Kind.CONSTANT
                    || literal.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
                return null;
            }
            String name = variable.ident().name();
            if (reading && (name.equals("value") || name.equals("online"))) {
                return null;
            }
            int i = variable(name, String.class);
            return i < 0 ? null : new StringEquals(i, literal.constant().stringValue(), equal);
        }

        private Test compare(Op op, List<CelExpr> args) {
            if (args.size() != 2) {
                return null;
            }
            CelExpr left = args.get(0);
            CelExpr right = args.get(1);
            Long rightInt = intLiteral(right);
            Long leftInt = intLiteral(left);
            if (rightInt != null || leftInt != null) {
                if (op == Op.EQ || op == Op.NE || (rightInt != null && leftInt != null)) {
                    return null;
                }
                Num a = num(rightInt != null ? left : right);
                return a == null ? null
                        : rightInt != null ? new CompareInt(op, a, rightInt) : new CompareInt(mirror(op), a, leftInt);
            }
            Num a = num(left);
            Num b = a == null ? null : num(right);
            return b == null ? null : new Compare(op, a, b);
        }

        private static Op mirror(Op op) {
            return switch (op) {
                case LT -> Op.GT;
                case LE -> Op.GE;
                case GT -> Op.LT;
                case GE -> Op.LE;
                default -> op;
            };
        }

        private static Long intLiteral(CelExpr e) {
            return e.getKind() == CelExpr.ExprKind.Kind.CONSTANT && e.constant().getKind() == CelConstant.Kind.INT64_VALUE
                    ? e.constant().int64Value() : null;
        }

        /** A double-typed term: the value, a double variable or literal, or +, -, * of such terms. */
        private Num num(CelExpr e) {
            if (!SimpleType.DOUBLE.equals(type(e))) {
                return null;
            }
            switch (e.getKind()) {
                case CONSTANT:
                    return e.constant().getKind() == CelConstant.Kind.DOUBLE_VALUE ? new NumLiteral(e.constant().doubleValue()) : null;
                case IDENT: {
                    String name = e.ident().name();
                    if (reading && name.equals("value")) {
                        readsReading = true;
                        return new Value();
                    }
                    if (reading && name.equals("online")) {
                        return null;
                    }
                    int i = variable(name, Double.class);
                    return i < 0 ? null : new NumVar(i);
                }
                case CALL: {
                    CelExpr.CelCall c = e.call();
                    if (c.target().isPresent() || c.args().size() != 2) {
                        return null;
                    }
                    Num a = num(c.args().get(0));
                    Num b = a == null ? null : num(c.args().get(1));
                    if (b == null) {
                        return null;
                    }
                    return switch (c.function()) {
                        case "_*_" -> new Times(a, b);
                        case "_+_" -> new Plus(a, b);
                        case "_-_" -> new Minus(a, b);
                        default -> null;
                    };
                }
                default:
                    return null;
            }
        }
    }
}
