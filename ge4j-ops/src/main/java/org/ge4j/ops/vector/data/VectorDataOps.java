package org.ge4j.ops.vector.data;

import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.exec.KernelCompiler;

/**
 * Allocation-free compiled kernels for the data-movement and small ops of real models (Transpose, Slice,
 * Gather, Concat, Split, Expand, Tile, Pad, Where, Cast, the shape ops, comparisons, small reductions, and
 * the plain copies the memory planner did not turn into views), registered as {@link KernelCompiler}s of
 * the {@link OpRegistry#VECTOR} provider. Data moves by bytes, so every fixed-size dtype is covered where
 * the op does not compute. Each compiler declines (null) what it does not cover and the reference kernel
 * runs instead.
 */
public final class VectorDataOps implements OpLibrary {
    @Override public String name() { return "ge4j-vector-data"; }

    @Override public void register(OpRegistry r) {
        for (String op : new String[] {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"}) add(r, op, Movement::copy);
        add(r, "Transpose", Movement::transpose);
        add(r, "Slice", Movement::slice);
        add(r, "Expand", Movement::expand);
        add(r, "Tile", Movement::tile);
        add(r, "Concat", ConcatSplit::concat);
        add(r, "Split", ConcatSplit::split);
        add(r, "Gather", Gather::compile);
        add(r, "Pad", Pad::compile);
        add(r, "Where", Logic::where);
        add(r, "Equal", Logic.compare(Logic.EQ));
        add(r, "Less", Logic.compare(Logic.LT));
        add(r, "Greater", Logic.compare(Logic.GT));
        add(r, "LessOrEqual", Logic.compare(Logic.LE));
        add(r, "GreaterOrEqual", Logic.compare(Logic.GE));
        add(r, "And", Logic.logical(Logic.AND));
        add(r, "Or", Logic.logical(Logic.OR));
        add(r, "Xor", Logic.logical(Logic.XOR));
        add(r, "Not", Logic::not);
        add(r, "Cast", Cast::compile);
        add(r, "CastLike", Cast::compile);
        add(r, "Shape", Generators::shape);
        add(r, "Size", Generators::size);
        add(r, "ConstantOfShape", Generators::constantOfShape);
        add(r, "Range", Generators::range);
        add(r, "ReduceSum", Reduce.compiler(Reduce.SUM));
        add(r, "ReduceMean", Reduce.compiler(Reduce.MEAN));
        add(r, "ReduceMax", Reduce.compiler(Reduce.MAX));
        add(r, "ReduceMin", Reduce.compiler(Reduce.MIN));
        add(r, "Sqrt", FloatMath::sqrt);
        add(r, "Pow", FloatMath::pow);
    }

    /** Registers {@code c} for an ONNX op unless another library of the vector provider covers it (registered before or after). */
    private static void add(OpRegistry r, String op, KernelCompiler c) {
        r.registerFallbackCompiler(OpRegistry.VECTOR, "", op, c);
    }
}
