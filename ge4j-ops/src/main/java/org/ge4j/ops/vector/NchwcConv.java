package org.ge4j.ops.vector;

import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/** {@code ge4j::BlockedConv}: plain (group 1) convolutions on blocked inputs: direct KxK and 1x1. (Not written yet: declines, so the reference kernel runs.) */
final class NchwcConv {
    private NchwcConv() {}

    static CompiledKernel compile(NodeSpec s) {
        return null;
    }
}
