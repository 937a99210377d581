package org.ge4j.ops.vector;

import org.ge4j.ir.Node;
import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.exec.KernelCompiler;

/**
 * The fast kernels of ge4j: Vector API kernels compiled per node for static float shapes, registered as
 * {@link org.ge4j.ops.exec.KernelCompiler}s under the {@link OpRegistry#VECTOR} provider. Each compiler
 * declines (returns null) what it does not cover, and the executor falls back to the reference kernel.
 */
public final class VectorOps implements OpLibrary {
    @Override public String name() { return "ge4j-vector"; }

    /**
     * For a warm-up that runs kernels round after round on one thread: shrinks that thread's scratch buffers so
     * that the kernels' profiles include growing them, which the first real run does (see {@link Scratch#shrink}).
     */
    public static void shrinkThreadScratch() { Scratch.shrink(); }

    /** Floats in this machine's preferred vector ({@code FloatVector.SPECIES_PREFERRED.length()}): 16 with AVX-512. */
    public static int floatLanes() { return VMath.S.length(); }

    @Override public void register(OpRegistry r) {
        String v = OpRegistry.VECTOR, ge = Node.GE4J_DOMAIN;
        r.registerCompiler(v, "", "MatMul", MatMulCompilers::matMul);
        r.registerCompiler(v, "", "Gemm", MatMulCompilers::gemm);
        r.registerCompiler(v, ge, "FusedMatMul", MatMulCompilers::fusedMatMul);
        r.registerCompiler(v, "", "Conv", ConvCompilers::conv);
        r.registerCompiler(v, ge, "FusedConv", ConvCompilers::fusedConv);
        r.registerCompiler(v, "", "Add", Elementwise.binary(Elementwise.ADD));
        r.registerCompiler(v, "", "Sub", Elementwise.binary(Elementwise.SUB));
        r.registerCompiler(v, "", "Mul", Elementwise.binary(Elementwise.MUL));
        r.registerCompiler(v, "", "Div", Elementwise.binary(Elementwise.DIV));
        r.registerCompiler(v, "", "Relu", Elementwise.unary(new Act(Act.RELU, 0, 0)));
        r.registerCompiler(v, "", "Sigmoid", Elementwise.unary(new Act(Act.SIGMOID, 0, 0)));
        r.registerCompiler(v, "", "Tanh", Elementwise.unary(new Act(Act.TANH, 0, 0)));
        r.registerCompiler(v, "", "Erf", Elementwise.unary(new Act(Act.ERF, 0, 0)));
        r.registerCompiler(v, "", "Exp", Elementwise.unary(new Act(Act.EXP, 0, 0)));
        r.registerCompiler(v, "", "LeakyRelu", Elementwise::leakyRelu);
        r.registerCompiler(v, "", "Clip", Elementwise::clip);
        r.registerCompiler(v, "", "Gelu", Elementwise::gelu);
        r.registerCompiler(v, ge, "Gelu", Elementwise::gelu);
        r.registerCompiler(v, "", "MaxPool", Pooling::maxPool);
        r.registerCompiler(v, "", "AveragePool", Pooling::averagePool);
        r.registerCompiler(v, "", "GlobalAveragePool", (s, schema) -> Pooling.global(s, false));
        r.registerCompiler(v, "", "GlobalMaxPool", (s, schema) -> Pooling.global(s, true));
        r.registerCompiler(v, "", "Softmax", RowOps::softmax);
        r.registerCompiler(v, "", "LayerNormalization", RowOps::layerNorm);
        r.registerCompiler(v, ge, "LayerNormalization", RowOps::fusedLayerNorm);
        r.registerCompiler(v, ge, "Attention", AttentionKernel::compile);
        r.registerCompiler(v, ge, "BlockedConv", KernelCompiler.withPaths(BlockedCompilers::conv, BlockedCompilers::convPaths));
        r.registerCompiler(v, ge, "BlockedPointwiseDepthwise", KernelCompiler.withPaths(BlockedCompilers::pointwiseDepthwise, BlockedCompilers::pointwiseDepthwisePaths));
        for (String pool : new String[] {"BlockedMaxPool", "BlockedAveragePool", "BlockedGlobalAveragePool", "BlockedGlobalMaxPool"})
            r.registerCompiler(v, ge, pool, BlockedCompilers::pool);
        r.registerCompiler(v, ge, "ReorderToBlocked", BlockedCompilers::reorder);
        r.registerCompiler(v, ge, "ReorderFromBlocked", BlockedCompilers::reorder);
    }
}
