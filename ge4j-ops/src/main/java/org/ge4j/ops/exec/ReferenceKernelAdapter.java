package org.ge4j.ops.exec;

import java.lang.foreign.MemorySegment;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.Kernel;
import org.ge4j.ops.KernelContext;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpSchema;

/**
 * Runs a reference kernel as a {@link CompiledKernel}: wraps the argument buffers as tensors, runs the
 * kernel, copies its outputs into the output buffers. The fallback for ops without a fast kernel; it
 * allocates per run (the reference kernels do), so it is correct but not allocation-free.
 */
public final class ReferenceKernelAdapter implements CompiledKernel {
    private final NodeSpec spec;
    private final OpSchema schema;
    private final Kernel kernel;
    private final long[][] inShapes;
    private final DataType[] inTypes;

    public ReferenceKernelAdapter(NodeSpec spec, OpSchema schema, Kernel kernel) {
        this.spec = spec;
        this.schema = schema;
        this.kernel = kernel;
        int n = spec.inputs().size();
        inShapes = new long[n][];
        inTypes = new DataType[n];
        for (int i = 0; i < n; i++) {
            if (spec.input(i) == null) continue;
            inShapes[i] = spec.inputShape(i);
            inTypes[i] = spec.input(i).dtype();
            if (inTypes[i] == DataType.STRING) throw new OpException(spec.node(), "string tensors are not supported by the static executor");
        }
    }

    @Override public void run(MemorySegment[] args) {
        int nIn = inShapes.length;
        Value[] in = new Value[nIn];
        for (int i = 0; i < nIn; i++)
            if (inShapes[i] != null && args[i] != null && args[i] != MemorySegment.NULL) in[i] = Tensor.wrap(inTypes[i], inShapes[i], args[i]);
        KernelContext ctx = new KernelContext(spec.node(), schema, in, null);
        kernel.compute(ctx);
        Value[] out = ctx.outputs();
        for (int i = 0; i < out.length; i++) {
            if (!(out[i] instanceof Tensor t)) {
                if (out[i] != null) out[i].close();
                continue;
            }
            try (t) {
                MemorySegment dst = args[nIn + i];
                if (dst == null || dst == MemorySegment.NULL) continue;
                if (t.byteSize() != dst.byteSize())
                    throw new OpException(spec.node(), "output " + i + " has " + t.byteSize() + " bytes, the plan reserved " + dst.byteSize()
                            + " (kernel shape " + java.util.Arrays.toString(t.shape()) + ", planned " + spec.output(i) + ")");
                MemorySegment.copy(t.segment(), 0, dst, 0, dst.byteSize());
            }
        }
    }
}
