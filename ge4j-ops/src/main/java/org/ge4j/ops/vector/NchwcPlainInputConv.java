package org.ge4j.ops.vector;

import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.NodeSpec;

/** {@code ge4j::BlockedConv}: convolutions reading a plain NCHW input (few channels, e.g. the stem) into a blocked output. (Not written yet: declines, so the reference kernel runs.) */
final class NchwcPlainInputConv {
    private NchwcPlainInputConv() {}

    static CompiledKernel compile(NodeSpec s) {
        return null;
    }
}
