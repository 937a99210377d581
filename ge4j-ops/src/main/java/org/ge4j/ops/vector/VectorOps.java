package org.ge4j.ops.vector;

import org.ge4j.ir.Node;
import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;

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

    /**
     * For a warm-up that builds small copies of blocked 1×1 convs: how many output blocks the 1×1 kernel computes
     * at a time for a conv of {@code outBlocks} output and {@code inBlocks} input channel blocks.
     */
    public static int pointwiseGroupWidth(int outBlocks, int inBlocks) { return NchwcConv.groupWidth(outBlocks, inBlocks); }

    /**
     * For the same warm-up: the positions per segment of the plane of a blocked 1×1 conv's kernel, for
     * {@code outBlocks} output and {@code inBlocks} input channel blocks, and of one call of its 1×1 micro-kernel;
     * {@link #CONV_SEGMENT_ATTR} makes a node use a given segment length (a private attribute like
     * {@link #WINOGRAD_TILE_ATTR}).
     */
    public static int pointwiseSegment(int outBlocks, int inBlocks) { return NchwcConv.segment(NchwcConv.groupWidth(outBlocks, inBlocks), inBlocks); }

    /** See {@link #pointwiseSegment}. */
    public static int pointwisePositions(int outBlocks, int inBlocks) { return NchwcKernels.PW_POSITIONS[NchwcConv.groupWidth(outBlocks, inBlocks) - 1]; }

    /** See {@link #pointwiseSegment}. */
    public static final String CONV_SEGMENT_ATTR = NchwcConv.SEGMENT_ATTR;

    /**
     * For the same warm-up: the parts into which the direct blocked conv kernel splits the input blocks of a group-1
     * conv ({@code kh}×{@code kw} window, {@code c} to {@code m} channels; flat: 1×1 and unpadded) when its weights
     * per group are large (more than 1: a run adds each part's sums to the last); {@link #CONV_PARTS_ATTR} makes a
     * node use a given number of parts (a private attribute like {@link #WINOGRAD_TILE_ATTR}).
     */
    public static int convInputParts(int kh, int kw, int c, int m, boolean flat) { return NchwcConv.inputParts(kh, kw, c, m, flat); }

    /** See {@link #convInputParts}. */
    public static final String CONV_PARTS_ATTR = NchwcConv.PARTS_ATTR;

    /**
     * For a warm-up that builds small copies of blocked 3×3 convs: the output tile side (4 or 2) of the Winograd
     * kernel for a conv of {@code inChannels} and {@code outChannels} channels, should it take the conv.
     */
    public static int winogradTile(long inChannels, long outChannels) { return NchwcWinograd.outputTile(inChannels, outChannels); }

    /**
     * The private int attribute that makes the Winograd kernel use that output tile side (2 or 4) for a node, set by
     * the warm-up on a small copy of a conv whose original gets another tile than its channels alone would give. It
     * is not part of the op's schema: it is set after shape inference, on nodes that are only compiled, never checked.
     */
    public static final String WINOGRAD_TILE_ATTR = NchwcWinograd.TILE_ATTR;

    /**
     * For the same warm-up: the Winograd kernel's tiles per strip for a conv of {@code inChannels} input channels on
     * an {@code outH} × {@code outW} output plane with output tile side {@code tile}; {@link #WINOGRAD_STRIP_ATTR} makes
     * a node use a given strip length (the same kind of private attribute as {@link #WINOGRAD_TILE_ATTR}).
     */
    public static int winogradStrip(long inChannels, long outH, long outW, int tile) { return NchwcWinograd.strip(inChannels, outH, outW, tile); }

    /** See {@link #winogradStrip}. */
    public static final String WINOGRAD_STRIP_ATTR = NchwcWinograd.STRIP_ATTR;

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
        r.registerCompiler(v, ge, "BlockedConv", BlockedCompilers::conv);
        r.registerCompiler(v, ge, "BlockedPointwiseDepthwise", BlockedCompilers::pointwiseDepthwise);
        for (String pool : new String[] {"BlockedMaxPool", "BlockedAveragePool", "BlockedGlobalAveragePool", "BlockedGlobalMaxPool"})
            r.registerCompiler(v, ge, pool, BlockedCompilers::pool);
        r.registerCompiler(v, ge, "ReorderToBlocked", BlockedCompilers::reorder);
        r.registerCompiler(v, ge, "ReorderFromBlocked", BlockedCompilers::reorder);
    }
}
