package org.ge4j.ops.onnx.elementwise;

import static org.ge4j.ops.onnx.elementwise.Types.*;

import java.lang.foreign.MemorySegment;
import java.util.Set;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.Trait;
import org.ge4j.ops.util.Broadcast;

/** Where: output = condition ? X : Y elementwise, the three broadcast together; any element type (copied bitwise). */
public final class WhereOp {
    private WhereOp() {}

    public static void register(OpRegistry r) {
        for (int since : new int[] {9, 16}) {
            Set<DataType> types = since == 9 ? WHERE9 : WHERE16;
            r.register(OpSchema.onnx("Where", since).doc("Where: output = X where condition else Y, elementwise with numpy broadcasting.")
                    .input("condition", "B").input("X", "T").input("Y", "T").output("output", "T")
                    .types("B", DataType.BOOL).types("T", types).traits(Trait.ELEMENTWISE, Trait.PURE)
                    .inference(ctx -> ctx.setOutput(0, ctx.inputType(1), Broadcasting.infer(ctx, 0, 1, 2))).build());
        }
        r.registerReference("Where", WhereOp::compute);
    }

    private static void compute(KernelContext ctx) {
        Tensor c = ctx.requireInput(0), x = ctx.requireInput(1), y = ctx.requireInput(2);
        long[] s = Broadcasting.shape(ctx, 0, 1, 2);
        long[] cond = Broadcasting.longs(c, s);
        int[] mx = Broadcast.indexMap(x.shape(), s), my = Broadcast.indexMap(y.shape(), s);
        DataType t = x.dtype();
        Tensor out = Tensor.allocate(t, s);
        if (t == DataType.STRING) {
            for (int i = 0; i < cond.length; i++) out.setString(i, cond[i] != 0 ? x.getString(mx[i]) : y.getString(my[i]));
        } else {
            long es = t.bits() / 8;
            MemorySegment dst = out.segment(), sx = x.segment(), sy = y.segment();
            for (int i = 0; i < cond.length; i++) {
                if (cond[i] != 0) MemorySegment.copy(sx, mx[i] * es, dst, i * es, es);
                else MemorySegment.copy(sy, my[i] * es, dst, i * es, es);
            }
        }
        ctx.setOutput(0, out);
    }
}
