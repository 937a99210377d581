package org.ge4j.ops.vector;

import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/**
 * Compiles 1-D and 2-D NCHW float Conv and {@code ge4j::FusedConv} into a {@link DepthwiseConv} (one input
 * channel per group), a {@link ShiftedConv} (stride 1), an {@link ImplicitConv} (column stride 1, long output
 * rows) or a {@link GemmConv} (everything else: pointwise as a plain GEMM over the image, other windows
 * through per-panel im2col), with bias, residual and activation fused. Declines 3-D and
 * dynamic shapes.
 */
final class ConvCompilers {
    private ConvCompilers() {}

    /**
     * Switch for measuring: {@code -Dge4j.vector.conv=implicit|shifted|gemm} forces a form where it applies;
     * by default shifted copies for stride-1 windows, implicit GEMM for column stride 1 with long rows, else im2col.
     */
    static final String FORM = System.getProperty("ge4j.vector.conv", "");

    static CompiledKernel conv(NodeSpec s, OpSchema schema) {
        return build(s, Act.IDENTITY, -1);
    }

    static CompiledKernel fusedConv(NodeSpec s, OpSchema schema) {
        Act act = Act.ofFusedAttrs(s.attrs());
        if (act == null) return null;
        int z = s.input(3) != null ? 3 : -1;
        if (z >= 0 && !java.util.Arrays.equals(s.inputShape(3), s.outputShape(0))) return null;
        return build(s, act, z);
    }

    private static CompiledKernel build(NodeSpec s, Act act, int zArg) {
        if (!Specs.allFloatStatic(s)) return null;
        long[] xs = s.inputShape(0), ws = s.inputShape(1), ys = s.outputShape(0);
        if (xs.length != ws.length || !Specs.fitsInt(xs) || !Specs.fitsInt(ys) || !Specs.fitsInt(ws)) return null;
        long[] kernel = java.util.Arrays.copyOfRange(ws, 2, ws.length);
        Window2d g = Window2d.of(s.attrs(), xs, ys, kernel);
        if (g == null) return null;
        int groups = (int) s.attrs().getInt("group", 1);
        int m = (int) ws[0];
        if (groups < 1 || g.c() % groups != 0 || m % groups != 0 || ws[1] * groups != g.c() || ys[1] != m) return null;
        int bArg = s.input(2) != null ? 2 : -1;
        int yArg = s.inputs().size();
        if (g.n() == 0 || m == 0 || g.outPlane() == 0) return args -> {};
        if (groups == g.c() && m == groups && (g.sw() == 1 || g.sw() == 2))
            return new DepthwiseConv(g, act, bArg, zArg, yArg, WorkerPool.shared());
        String form = FORM;
        if (form.isEmpty()) form = ShiftedConv.suits(g) ? "shifted" : ImplicitConv.suits(g) ? "implicit" : "gemm";
        if (form.equals("implicit") && ImplicitConv.suits(g)) return new ImplicitConv(g, groups, m, act, bArg, zArg, yArg, WorkerPool.shared());
        if (form.equals("shifted") && ShiftedConv.suits(g)) return new ShiftedConv(g, groups, m, act, bArg, zArg, yArg, WorkerPool.shared());
        return new GemmConv(g, groups, m, act, bArg, zArg, yArg, WorkerPool.shared());
    }
}
