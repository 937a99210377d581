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

    static CompiledKernel conv(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s) || s.attrs().getInt("block", 0) != VMath.S.length()) return null;
        boolean blockedIn = s.attrs().getInt("input_blocked", 1) != 0;
        long group = s.attrs().getInt("group", 1);
        if (group != 1) return blockedIn ? NchwcDepthwise.compile(s) : null;
        if (!blockedIn) return NchwcPlainInputConv.compile(s);
        CompiledKernel k = NchwcWinograd.compile(s);
        return k != null ? k : NchwcConv.compile(s);
    }

    /** What {@link #conv} would report for node s ({@link CompiledKernel#paths}), without preparing a kernel. */
    static KernelPaths convPaths(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s) || s.attrs().getInt("block", 0) != VMath.S.length()) return KernelPaths.NONE;
        if (s.attrs().getInt("group", 1) != 1 || s.attrs().getInt("input_blocked", 1) == 0) return KernelPaths.NONE;
        KernelPaths p = NchwcWinograd.paths(s);
        if (p == null) p = NchwcConv.paths(s);
        return p == null ? KernelPaths.NONE : p;
    }

    static KernelPaths pointwiseDepthwisePaths(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s) || s.attrs().getInt("block", 0) != VMath.S.length()) return KernelPaths.NONE;
        return NchwcPointwiseDepthwise.paths(s);
    }

    static CompiledKernel pointwiseDepthwise(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s) || s.attrs().getInt("block", 0) != VMath.S.length()) return null;
        return NchwcPointwiseDepthwise.compile(s);
    }

    static CompiledKernel pool(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s) || s.attrs().getInt("block", 0) != VMath.S.length()) return null;
        return NchwcPools.compile(s, s.node().type());
    }

    static CompiledKernel reorder(NodeSpec s, OpSchema schema) {
        if (!Specs.allFloatStatic(s) || s.attrs().getInt("block", 0) != VMath.S.length()) return null;
        return NchwcReorder.compile(s, s.node().type());
    }
}
