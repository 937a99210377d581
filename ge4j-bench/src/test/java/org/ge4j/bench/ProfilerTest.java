package org.ge4j.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProfilerTest {
    @Test
    void hiddenAndLambdaClassesFoldIntoOneName() {
        assertThat(Profiler.normalize("org.ge4j.ops.autofuse.FusedKernel.0x0000000022127000.run")).isEqualTo("org.ge4j.ops.autofuse.FusedKernel.*.run");
        assertThat(Profiler.normalize("org.ge4j.ops.onnx.nn.PoolOps$$Lambda.0x000000009213cd20.compute")).isEqualTo("org.ge4j.ops.onnx.nn.PoolOps$$Lambda.compute");
        assertThat(Profiler.normalize("org.ge4j.ops.onnx.nn.PoolOps$$Lambda/0x000000009213cd20.compute")).isEqualTo("org.ge4j.ops.onnx.nn.PoolOps$$Lambda.compute");
        assertThat(Profiler.normalize("org.ge4j.ops.vector.Sgemm.kernel8")).isEqualTo("org.ge4j.ops.vector.Sgemm.kernel8");
    }
}
