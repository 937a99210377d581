package org.ge4j.ops.vector;

import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/** {@code ge4j::BlockedConv}: depthwise convolutions on blocked inputs. (Not written yet: declines, so the reference kernel runs.) */
final class NchwcDepthwise {
    private NchwcDepthwise() {}

    static CompiledKernel compile(NodeSpec s) {
        return null;
    }
}
