package org.ge4j.ops.autofuse;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ge4j.ir.DataType;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.KernelCompiler;
import org.ge4j.ops.exec.NodeSpec;

/**
 * The {@code vector} kernel compiler of {@code ge4j::FusedElementwise}: generates a kernel class for the
 * node's program and static shapes ({@link KernelGenerator}); declines (null) when the generator does not
 * handle the case, so the reference kernel runs instead.
 */
public final class FusedElementwiseCompiler implements KernelCompiler {
    /**
     * Kernels already loaded, by class bytes: nodes with the same program and shapes (a transformer's twelve
     * layers) share one hidden class, so the JIT compiles it once, not once per node. Generated kernels keep no
     * per-node state, so sharing is safe; entries go when no model holds the kernel any more.
     */
    private static final Map<ClassBytes, WeakReference<GeneratedKernel>> LOADED = new ConcurrentHashMap<>();

    private record ClassBytes(byte[] bytes) {
        @Override public boolean equals(Object o) { return o instanceof ClassBytes c && Arrays.equals(bytes, c.bytes); }

        @Override public int hashCode() { return Arrays.hashCode(bytes); }
    }

    @Override public CompiledKernel compile(NodeSpec node, OpSchema schema) {
        byte[] b = classBytes(node);
        if (b == null) return null;
        ClassBytes key = new ClassBytes(b);
        WeakReference<GeneratedKernel> ref = LOADED.get(key);
        GeneratedKernel k = ref == null ? null : ref.get();
        if (k != null) return k;
        k = KernelGenerator.load(b);
        LOADED.values().removeIf(r -> r.get() == null);
        LOADED.put(key, new WeakReference<>(k));
        return k;
    }

    /** The class file of the kernel for {@code node} (what the {@code .om} writer stores), or null when declined. */
    public static byte[] classBytes(NodeSpec node) {
        FusedProgram p = FusedElementwiseOp.program(node.attrs());
        if (node.inputs().size() != p.inputCount()) return null;
        List<long[]> shapes = new ArrayList<>();
        DataType t = null;
        for (int k = 0; k < node.inputs().size(); k++) {
            TensorDesc d = node.input(k);
            if (d == null || !d.shape().isStatic()) return null;
            if (t == null) t = d.dtype();
            else if (t != d.dtype()) return null;
            shapes.add(d.shape().toArray());
            if (!p.broadcastsToFrame(k, shapes.get(k))) return null;
        }
        for (int o = 0; o < node.outputs().size(); o++)
            if (node.output(o) == null || node.output(o).shape().elementCount() != p.elementCount()) return null;
        return KernelGenerator.generate(p, t, shapes);
    }
}
