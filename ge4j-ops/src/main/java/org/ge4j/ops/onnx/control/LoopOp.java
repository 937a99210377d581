package org.ge4j.ops.onnx.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.ge4j.ir.AttrType;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ir.Value;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.InferenceContext;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;

/**
 * ONNX {@code Loop}: runs {@code body(iteration_num, cond, v...) -> (cond, v..., scan...)} while the
 * optional trip count {@code M} is not reached and the condition holds. Loop-carried values (tensors, and
 * from opset 13/16 sequences and optionals) flow from one iteration to the next; scan outputs (tensors) are
 * stacked along a new leading axis.
 *
 * <p>Like ONNX Runtime, the condition the body returns is honoured even when the {@code cond} input is
 * absent (the spec calls it ignored; honouring it is what lets {@code ("", "")} loops terminate).
 */
public final class LoopOp {
    private LoopOp() {}

    public static void register(OpRegistry r) {
        r.register(schema(1, ControlTypes.TENSOR));
        r.register(schema(11, ControlTypes.TENSOR));
        r.register(schema(13, ControlTypes.TENSOR));  // + sequences
        r.register(schema(16, ControlTypes.TENSOR_BF16)); // + optionals, bfloat16
        r.registerReference("Loop", LoopOp::compute);
    }

    private static OpSchema schema(int since, Set<DataType> v) {
        return OpSchema.onnx("Loop", since)
                .doc("Generic loop: trip count M and/or condition cond, loop-carried values and stacked scan outputs.")
                .optionalInput("M", "I")
                .optionalInput("cond", "B")
                // heterogeneous: each carried value has its own type (checked in inference)
                .variadicInput("v_initial", null, 0)
                .variadicOutput("v_final_and_scan_outputs", null, 1)
                .types("I", DataType.INT64).types("B", DataType.BOOL).types("V", v)
                .requiredAttr("body", AttrType.GRAPH)
                .traits(Trait.CONTROL_FLOW)
                .inference(LoopOp::infer)
                .build();
    }

    static void infer(InferenceContext ctx) {
        Graph body = ctx.attrs().requireGraph("body");
        int n = Math.max(0, ctx.inputCount() - 2);
        if (body.inputs().size() != n + 2)
            throw ctx.fail("body has " + body.inputs().size() + " inputs, expected " + (n + 2) + " (iteration_num, cond and " + n + " loop-carried values)");
        Set<DataType> allowed = ctx.schema().typeConstraints().get("V");
        for (int i : new int[] {0, 1}) {
            TensorDesc d = ctx.input(i);
            if (d != null && d.shape().hasRank() && d.shape().elementCount() > 1)
                throw ctx.fail("input " + i + ctx.portName(i) + " must hold a single value, got shape " + d.shape());
        }
        List<TensorDesc> in = new ArrayList<>();
        in.add(TensorDesc.of(DataType.INT64, Shape.SCALAR));
        in.add(TensorDesc.of(DataType.BOOL, Shape.SCALAR));
        for (int i = 0; i < n; i++) {
            TensorDesc d = ctx.requireInput(i + 2);
            Descs.checkAllowed(ctx, i + 2, d, allowed);
            // a carried value's shape may change from one iteration to the next: keep only the rank
            Shape s = d.kind() == ValueKind.TENSOR || d.kind() == ValueKind.OPTIONAL_TENSOR ? Descs.relax(d.shape()) : Shape.UNKNOWN_RANK;
            in.add(d.withShape(s));
        }
        List<TensorDesc> out = ctx.inferSubgraph(body, in);
        if (out.size() < n + 1)
            throw ctx.fail("body has " + out.size() + " outputs, expected at least " + (n + 1) + " (cond and " + n + " loop-carried values)");
        int k = out.size() - 1 - n;
        if (ctx.outputCount() > n + k)
            throw ctx.fail("has " + ctx.outputCount() + " outputs but the body yields " + n + " loop-carried values and " + k + " scan outputs");
        for (int i = 0; i < n && i < ctx.outputCount(); i++) {
            TensorDesc init = ctx.input(i + 2), last = out.get(i + 1);
            TensorDesc u = Descs.union(init, last);
            if (u == null)
                throw ctx.fail("loop-carried value " + i + " enters as " + init + " but the body returns " + last);
            // after one iteration the value is what the body returns (opset 16 lets an optional enter and a
            // sequence leave); before it, the initial value: their union keeps the body's kind
            ctx.setOutput(i, u.withKind(last.isKnown() ? last.kind() : u.kind()));
        }
        for (int j = 0; j < k && n + j < ctx.outputCount(); j++) {
            TensorDesc e = out.get(1 + n + j);
            if (e.isKnown() && e.kind() != ValueKind.TENSOR)
                throw ctx.fail("scan output " + j + " must be a tensor, the body returns " + e);
            Shape s = Shape.UNKNOWN_RANK;
            if (e.shape().hasRank()) {
                List<Dim> dims = new ArrayList<>();
                dims.add(Dim.UNKNOWN);
                dims.addAll(e.shape().dims());
                s = Shape.of(dims);
            }
            ctx.setOutput(n + j, new TensorDesc(e.dtype(), s));
        }
    }

    static void compute(KernelContext ctx) {
        Graph body = ctx.attrs().requireGraph("body");
        int n = Math.max(0, ctx.inputCount() - 2);
        long maxTrips = ctx.hasInput(0) ? Values.scalarLong(ctx, ctx.requireInput(0), "input 0 ('M')") : Long.MAX_VALUE;
        boolean cond = !ctx.hasInput(1) || Values.scalarBool(ctx, ctx.value(1), "input 1 ('cond')");
        int k = body.outputs().size() - 1 - n;
        if (k < 0) throw ctx.fail("body has " + body.outputs().size() + " outputs, expected at least " + (n + 1));

        List<Value> carried = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Value v = ctx.value(i + 2);
            if (v == null) throw ctx.fail("loop-carried input " + (i + 2) + " is absent");
            carried.add(v);
        }
        boolean ownsCarried = false;
        List<List<Tensor>> scans = new ArrayList<>();
        for (int j = 0; j < k; j++) scans.add(new ArrayList<>());
        try {
            for (long it = 0; it < maxTrips && cond; it++) {
                List<Value> in = new ArrayList<>(n + 2);
                Tensor iter = Tensor.scalar(it);
                Tensor condIn = Values.boolScalar(cond);
                in.add(iter);
                in.add(condIn);
                in.addAll(carried);
                List<Value> out;
                try {
                    out = ctx.runSubgraph(body, in);
                } finally {
                    iter.close();
                    condIn.close();
                }
                if (out.size() != n + k + 1) {
                    Values.closeAll(out);
                    throw ctx.fail("body produced " + out.size() + " values, expected " + (n + k + 1));
                }
                try {
                    cond = Values.scalarBool(ctx, out.get(0), "body output 0 (cond)");
                } finally {
                    out.get(0).close();
                }
                if (ownsCarried) Values.closeAll(carried);
                carried = new ArrayList<>(out.subList(1, n + 1));
                ownsCarried = true;
                for (int j = 0; j < k; j++) {
                    Value s = out.get(n + 1 + j);
                    if (!(s instanceof Tensor t)) {
                        Values.closeAll(out.subList(n + 1 + j, out.size()));
                        throw ctx.fail("scan output " + j + " must be a tensor, the body produced a " + s.kind());
                    }
                    scans.get(j).add(t);
                }
            }
            for (int i = 0; i < n; i++) ctx.setOutput(i, ownsCarried ? carried.get(i) : Values.copy(carried.get(i)));
            ownsCarried = false;
            for (int j = 0; j < k; j++) ctx.setOutput(n + j, stackScan(ctx, body, n, j, scans.get(j)));
        } finally {
            if (ownsCarried) Values.closeAll(carried);
            for (List<Tensor> l : scans) Values.closeAll(l);
        }
    }

    private static Tensor stackScan(KernelContext ctx, Graph body, int n, int j, List<Tensor> parts) {
        if (parts.isEmpty()) {
            TensorDesc d = body.outputs().get(n + 1 + j).value().desc();
            return ScanOp.emptyScanOutput(ctx, d, 0, "scan output " + j);
        }
        try {
            return TensorBlocks.stack(parts, 0);
        } catch (IllegalArgumentException e) {
            throw ctx.fail("scan output " + j + " changes across iterations: " + e.getMessage());
        }
    }
}
