package org.ge4j.ops.vector;

import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/** Kernels for the blocked pools (max, average, global). (Not written yet: declines, so the reference kernel runs.) */
final class NchwcPools {
    private NchwcPools() {}

    static CompiledKernel compile(NodeSpec s, String type) {
        return null;
    }
}
