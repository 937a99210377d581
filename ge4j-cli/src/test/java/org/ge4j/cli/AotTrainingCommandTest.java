package org.ge4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotTrainingCommandTest {
    @TempDir Path dir;

    @Test
    void theTrainingRunCompilesAndRunsBothBuiltInModelsOnTheFastKernels() {
        CliTest.Run r = CliTest.ge4j("train-aot", dir.toString());
        assertThat(r.code()).as(r.err()).isZero();
        for (String m : new String[] {"train_cnn", "train_transformer"}) {
            assertThat(dir.resolve(m + ".onnx")).exists();
            assertThat(dir.resolve(m + ".om")).exists();
        }
        // each .om run and each .onnx run is reported, with the kernels it ran on
        assertThat(r.out().lines().filter(l -> l.startsWith("train-aot: ")).count()).isEqualTo(4);
        assertThat(r.out()).contains("train_cnn.onnx -> .om, load").contains("vector=").contains("warm-up ");
    }
}
