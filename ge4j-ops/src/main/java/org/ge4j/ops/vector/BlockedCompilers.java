package org.ge4j.ops.vector;

import org.ge4j.ops.OpSchema;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.KernelPaths;
import org.ge4j.ops.exec.NodeSpec;

/**
 * Compiles the blocked-layout (NCHWc) ops of {@code org.ge4j.ops.blocked} for static float 2-D shapes whose
 * block is the vector length: {@code BlockedConv} (plain, depthwise, or reading a plain NCHW input), {@code BlockedPointwiseDepthwise}, the
 * blocked pools and the reorders. Each form's class declines (null) what it does not handle, and the
 * reference kernel runs instead.
 */
final class BlockedCompilers {
    private BlockedCompilers() {}

    /** Static float shapes in blocks of the vector length: the nodes these kernels can take. */
    private static boolean fits(NodeSpec s) { return Specs.allFloatStatic(s) && s.attrs().getInt("block", 0) == VMath.S.length(); }

    /** A group-1 conv over a blocked input: Winograd's or NchwcConv's (the kernels with code-path choices). */
    private static boolean groupOneBlocked(NodeSpec s) { return s.attrs().getInt("group", 1) == 1 && s.attrs().getInt("input_blocked", 1) != 0; }

    static CompiledKernel conv(NodeSpec s, OpSchema schema) {
        if (!fits(s)) return null;
        if (!groupOneBlocked(s)) {
            boolean blockedIn = s.attrs().getInt("input_blocked", 1) != 0;
            return s.attrs().getInt("group", 1) != 1 ? (blockedIn ? NchwcDepthwise.compile(s) : null) : NchwcPlainInputConv.compile(s);
        }
        CompiledKernel k = NchwcWinograd.compile(s);
        return k != null ? k : NchwcConv.compile(s);
    }

    /** What {@link #conv} would report for node s ({@link CompiledKernel#paths}), without preparing a kernel. */
    static KernelPaths convPaths(NodeSpec s, OpSchema schema) {
        if (!fits(s) || !groupOneBlocked(s)) return KernelPaths.NONE;
        KernelPaths p = NchwcWinograd.paths(s);
        if (p == null) p = NchwcConv.paths(s);
        return p == null ? KernelPaths.NONE : p;
    }

    static KernelPaths pointwiseDepthwisePaths(NodeSpec s, OpSchema schema) {
        if (!fits(s)) return KernelPaths.NONE;
        return NchwcPointwiseDepthwise.paths(s);
    }

    static CompiledKernel pointwiseDepthwise(NodeSpec s, OpSchema schema) {
        if (!fits(s)) return null;
        return NchwcPointwiseDepthwise.compile(s);
    }

    static CompiledKernel pool(NodeSpec s, OpSchema schema) {
        if (!fits(s)) return null;
        return NchwcPools.compile(s, s.node().type());
    }

    static CompiledKernel reorder(NodeSpec s, OpSchema schema) {
        if (!fits(s)) return null;
        return NchwcReorder.compile(s, s.node().type());
    }
}
