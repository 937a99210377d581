package org.ge4j.ops.onnx.tensor;

import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.GraphInference;

/**
 * Partial evaluation of the small integer tensors that models compute from shapes at run time
 * ({@code Shape -> Gather -> Unsqueeze -> Concat -> Reshape}): each element is known as a {@link Dim},
 * so a symbolic batch size read by Shape reaches the Reshape, Expand or ConstantOfShape that uses it.
 * Only exact rules are applied; anything else is "not known" (null).
 *
 * <p>Understands Constant, Shape, Size, Identity, Cast (to int32/int64), Gather (axis 0, known indices),
 * Unsqueeze/Squeeze of scalars and vectors, Reshape of a vector, Concat (axis 0), Slice (known bounds),
 * and Add/Sub/Mul/Div where the result is exact (static numbers, or a symbol with 0 or 1).
 */
public final class ShapeValues {
    private ShapeValues() {}

    /** At most this many elements are tracked: shape vectors are short. */
    private static final int MAX_ELEMENTS = 64;
    private static final int MAX_DEPTH = 24;

    /** A known small int tensor of rank 0 or 1: its elements as dims (a negative static value is kept in {@code values}). */
    public record Value(boolean scalar, List<Dim> dims, long[] values) {
        /** True when every element is a known number. */
        public boolean isStatic() {
            for (Dim d : dims) if (d != null && !d.isStatic()) return false;
            return true;
        }

        public int size() { return dims.size(); }

        /** Every element as a number, or null when some element is not a known number. */
        public long[] numbers() {
            long[] r = new long[dims.size()];
            for (int i = 0; i < r.length; i++) {
                Long x = number(i);
                if (x == null) return null;
                r[i] = x;
            }
            return r;
        }

        /** Element i as a number, or null when not a known number. */
        Long number(int i) { return dims.get(i) == null ? Long.valueOf(values[i]) : dims.get(i) instanceof Dim.Static s ? s.value() : null; }
    }

    /**
     * The value of {@code a} if it is a rank-0 or rank-1 integer tensor whose elements are known as dims; null
     * otherwise. Negative numbers (like Reshape's -1) are represented with a null dim and their value in
     * {@link Value#values()}.
     */
    public static Value of(OutDataAnchor a) { return of(a, 0); }

    private static Value of(OutDataAnchor a, int depth) {
        if (a == null || depth > MAX_DEPTH) return null;
        Tensor c = GraphInference.constantValue(a);
        if (c != null) return fromTensor(c);
        Node n = a.node();
        if (!n.domain().isEmpty() || a.index() != 0) return null;
        int opset = n.graph() == null ? -1 : n.graph().opset("");
        return switch (n.type()) {
            case "Constant" -> constantAttr(n);
            case "Shape" -> shape(n, opset);
            case "Size" -> {
                Shape s = inShape(n, 0);
                yield s == null || !s.hasRank() ? null : scalar(Dims.product(s.dims()));
            }
            case "Identity" -> of(n.inputValue(0), depth + 1);
            case "Cast" -> {
                long to = n.attrInt("to", 0);
                yield to == DataType.INT64.onnxCode() || to == DataType.INT32.onnxCode() ? of(n.inputValue(0), depth + 1) : null;
            }
            case "Gather" -> gather(n, depth);
            case "Unsqueeze", "Squeeze", "Reshape" -> reshape(n, depth);
            case "Concat" -> concat(n, depth);
            case "Slice" -> slice(n, opset, depth);
            case "Add", "Sub", "Mul", "Div" -> arithmetic(n, depth);
            default -> null;
        };
    }

    private static Shape inShape(Node n, int i) {
        OutDataAnchor in = n.inputValue(i);
        return in == null ? null : in.desc().shape();
    }

    private static Value scalar(Dim d) {
        List<Dim> dims = new ArrayList<>();
        dims.add(d);
        return new Value(true, dims, new long[1]);
    }

    private static Value fromTensor(Tensor t) {
        if (!t.dtype().isInteger() || t.rank() > 1 || t.size() > MAX_ELEMENTS) return null;
        long[] v = t.toLongArray();
        return numbers(t.rank() == 0, v);
    }

    private static Value numbers(boolean scalar, long[] v) {
        List<Dim> dims = new ArrayList<>();
        for (long x : v) dims.add(x >= 0 ? Dim.of(x) : null);
        return new Value(scalar, dims, v.clone());
    }

    private static Value constantAttr(Node n) {
        if (n.attr("value_int") instanceof Attr.Int i) return numbers(true, new long[] {i.value()});
        if (n.attr("value_ints") instanceof Attr.Ints i && i.value().length <= MAX_ELEMENTS) return numbers(false, i.value());
        return null;
    }

    private static Value shape(Node n, int opset) {
        Shape s = inShape(n, 0);
        if (s == null || !s.hasRank()) return null;
        int r = s.rank();
        long st = opset >= 15 ? n.attrInt("start", 0) : 0, en = opset >= 15 ? n.attrInt("end", r) : r;
        st = Math.clamp(st < 0 ? st + r : st, 0, r);
        en = Math.clamp(en < 0 ? en + r : en, 0, r);
        List<Dim> dims = new ArrayList<>(s.dims().subList((int) st, (int) Math.max(st, en)));
        return new Value(false, dims, new long[dims.size()]);
    }

    /** The statically known numbers of an input, or null. */
    private static long[] known(Node n, int i, int depth) {
        Value v = of(n.inputValue(i), depth + 1);
        return v == null ? null : v.numbers();
    }

    private static Value gather(Node n, int depth) {
        if (n.attrInt("axis", 0) != 0) return null;
        Value data = of(n.inputValue(0), depth + 1);
        if (data == null || data.scalar()) return null;
        OutDataAnchor ia = n.inputValue(1);
        if (ia == null || !ia.desc().shape().hasRank() || ia.desc().shape().rank() > 1) return null;
        long[] idx = known(n, 1, depth);
        if (idx == null) return null;
        List<Dim> dims = new ArrayList<>();
        long[] vals = new long[idx.length];
        for (int k = 0; k < idx.length; k++) {
            long i = idx[k] < 0 ? idx[k] + data.size() : idx[k];
            if (i < 0 || i >= data.size()) return null;
            dims.add(data.dims().get((int) i));
            vals[k] = data.values()[(int) i];
        }
        return new Value(ia.desc().shape().rank() == 0, dims, vals);
    }

    private static Value reshape(Node n, int depth) {
        Value v = of(n.inputValue(0), depth + 1);
        OutDataAnchor out = n.output(0);
        if (v == null) return null;
        Shape s = out.desc().shape();
        // the output's rank is already inferred (this runs for consumers); only rank 0 and 1 stay tracked
        if (!s.hasRank() || s.rank() > 1) {
            if (n.type().equals("Unsqueeze") && v.scalar()) return new Value(false, v.dims(), v.values());
            if (n.type().equals("Squeeze") && v.size() == 1) return new Value(true, v.dims(), v.values());
            return null;
        }
        if (s.rank() == 0 && v.size() != 1) return null;
        return new Value(s.rank() == 0, v.dims(), v.values());
    }

    private static Value concat(Node n, int depth) {
        if (n.attrInt("axis", 0) != 0 && n.attrInt("axis", 0) != -1) return null;
        List<Dim> dims = new ArrayList<>();
        List<Long> vals = new ArrayList<>();
        for (int i = 0; i < n.inputCount(); i++) {
            Value v = of(n.inputValue(i), depth + 1);
            if (v == null || v.scalar()) return null;
            dims.addAll(v.dims());
            for (long x : v.values()) vals.add(x);
        }
        if (dims.size() > MAX_ELEMENTS) return null;
        return new Value(false, dims, vals.stream().mapToLong(Long::longValue).toArray());
    }

    private static Value slice(Node n, int opset, int depth) {
        Value v = of(n.inputValue(0), depth + 1);
        if (v == null || v.scalar()) return null;
        long[] starts, ends, axes, steps;
        if (opset < 10) {
            starts = n.attrInts("starts", null);
            ends = n.attrInts("ends", null);
            axes = n.attrInts("axes", null);
            steps = null;
        } else {
            starts = known(n, 1, depth);
            ends = known(n, 2, depth);
            axes = n.inputValue(3) == null ? null : known(n, 3, depth);
            steps = n.inputValue(4) == null ? null : known(n, 4, depth);
            if (n.inputValue(3) != null && axes == null || n.inputValue(4) != null && steps == null) return null;
        }
        if (starts == null || ends == null || starts.length != 1 || ends.length != 1) return null;
        if (axes != null && (axes.length != 1 || axes[0] != 0 && axes[0] != -1)) return null;
        long step = steps == null ? 1 : steps.length == 1 ? steps[0] : 0;
        if (step == 0) return null;
        SliceOp.Range r = SliceOp.clamp(starts[0], ends[0], step, v.size());
        List<Dim> dims = new ArrayList<>();
        long[] vals = new long[(int) r.count()];
        for (int k = 0; k < r.count(); k++) {
            int i = (int) (r.start() + k * r.step());
            dims.add(v.dims().get(i));
            vals[k] = v.values()[i];
        }
        return new Value(false, dims, vals);
    }

    private static Value arithmetic(Node n, int depth) {
        Value a = of(n.inputValue(0), depth + 1), b = of(n.inputValue(1), depth + 1);
        if (a == null || b == null) return null;
        int size = Math.max(a.size(), b.size());
        if (a.size() != size && a.size() != 1 || b.size() != size && b.size() != 1) return null;
        List<Dim> dims = new ArrayList<>();
        long[] vals = new long[size];
        for (int k = 0; k < size; k++) {
            int i = a.size() == 1 ? 0 : k, j = b.size() == 1 ? 0 : k;
            Long x = a.number(i), y = b.number(j);
            if (x != null && y != null) {
                Long r = switch (n.type()) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    default -> y == 0 ? null : Math.floorDiv(x, y) == x / y ? x / y : null; // C and Python agree only then
                };
                if (r == null) return null;
                vals[k] = r;
                dims.add(r >= 0 ? Dim.of(r) : null);
                continue;
            }
            Dim d = x == null ? a.dims().get(i) : b.dims().get(j);
            Long other = x == null ? y : x;
            boolean symbolFirst = x == null;
            boolean keeps = switch (n.type()) {
                case "Add" -> other != null && other == 0;
                case "Sub" -> other != null && other == 0 && symbolFirst;
                case "Mul" -> other != null && other == 1;
                default -> other != null && other == 1 && symbolFirst;
            };
            if (n.type().equals("Mul") && other != null && other == 0) {
                dims.add(Dim.of(0));
                continue;
            }
            dims.add(keeps && d instanceof Dim.Symbolic ? d : Dim.UNKNOWN);
        }
        return new Value(a.scalar() && b.scalar(), dims, vals);
    }
}
