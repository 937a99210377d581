package org.ge4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchModelsTest {
    @Test
    void parsesAFloatInputSpec() {
        BenchModels.InputSpec s = BenchModels.InputSpec.parse("input:float32:1x3x224x224");
        assertThat(s.name()).isEqualTo("input");
        assertThat(s.dtype()).isEqualTo(DataType.FLOAT);
        assertThat(s.shape()).containsExactly(1, 3, 224, 224);
        assertThat(s.toString()).isEqualTo("input:float32:1x3x224x224");
    }

    @Test
    void parsesAnIntegerSpecWithItsRange() {
        BenchModels.InputSpec s = BenchModels.InputSpec.parse("ids:int64:1x128:0:30522");
        assertThat(s.dtype()).isEqualTo(DataType.INT64);
        assertThat(s.lo()).isZero();
        assertThat(s.hi()).isEqualTo(30522);
        assertThat(s.toString()).isEqualTo("ids:int64:1x128:0:30522");
        assertThat(BenchModels.InputSpec.parse(s.toString())).isEqualTo(s);
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertThatThrownBy(() -> BenchModels.InputSpec.parse("x:float32")).hasMessageContaining("name:dtype:d0xd1");
        assertThatThrownBy(() -> BenchModels.InputSpec.parse("x:float16:1x2")).hasMessageContaining("unsupported dtype 'float16'");
        assertThatThrownBy(() -> BenchModels.InputSpec.parse("x:float32:1xN")).hasMessageContaining("dim 'N' is not a number");
        assertThatThrownBy(() -> BenchModels.InputSpec.parse("x:int64:4:5:5")).hasMessageContaining("empty range [5, 5)");
        assertThatThrownBy(() -> BenchModels.InputSpec.parse(":float32:4")).hasMessageContaining("empty name");
    }

    @Test
    void batchReplacesTheFirstDim() {
        BenchModels.InputSpec s = BenchModels.InputSpec.parse("ids:int64:1x128:0:10").withBatch(8);
        assertThat(s.shape()).containsExactly(8, 128);
        assertThat(s.hi()).isEqualTo(10);
        assertThatThrownBy(() -> BenchModels.InputSpec.parse("s:float32:scalar").withBatch(2)).hasMessageContaining("scalar");
    }

    @Test
    void seededInputsRepeatAndStayInRange() {
        BenchModels.InputSpec ids = BenchModels.InputSpec.parse("ids:int64:2x50:3:7");
        try (Tensor a = ids.random(42); Tensor b = ids.random(42); Tensor c = ids.random(43)) {
            assertThat(a.toLongArray()).containsExactly(b.toLongArray());
            assertThat(a.toLongArray()).isNotEqualTo(c.toLongArray());
            assertThat(java.util.Arrays.stream(a.toLongArray()).allMatch(v -> v >= 3 && v < 7)).isTrue();
            assertThat(a.shape()).containsExactly(2, 50);
        }
        try (Tensor f = BenchModels.InputSpec.parse("x:float32:1000").random(1)) {
            double mean = 0;
            for (float v : f.toFloatArray()) mean += v / 1000.0;
            assertThat(Math.abs(mean)).isLessThan(0.2); // standard normal
        }
    }

    @Test
    void readsTheManifest(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("manifest.tsv"), """
                name\tfile\tfamily\tparams\tstored_elems\tflops\tfile_bytes\tinputs\tnote
                mlp\tmlp.onnx\tmlp\t25076712\t25076712\t50135040\t100307682\tinput:float32:1x1024\t
                two\tsub/two.onnx\ttwo\t0\t0\t\t10\ta:float32:1x2;b:int64:1x3:0:5\tnote
                """);
        Files.writeString(dir.resolve("mlp.onnx"), "x");
        List<BenchModels.Model> all = BenchModels.all(dir);
        assertThat(all).extracting(BenchModels.Model::name).containsExactly("mlp", "two");
        BenchModels.Model mlp = all.get(0);
        assertThat(mlp.flops()).isEqualTo(50135040);
        assertThat(mlp.storedElems()).isEqualTo(25076712);
        assertThat(mlp.file()).isEqualTo(dir.resolve("mlp.onnx"));
        BenchModels.Model two = BenchModels.find(dir, "two");
        assertThat(two.inputs()).hasSize(2);
        assertThat(two.inputs().get(1).dtype()).isEqualTo(DataType.INT64);
        assertThat(two.flops()).isZero();
        assertThat(two.file()).isEqualTo(dir.resolve("two.onnx")); // missing under sub/: falls back to the directory
        assertThat(BenchModels.find(dir, "nope")).isNull();
        assertThat(BenchModels.forFile(dir.resolve("mlp.onnx")).name()).isEqualTo("mlp");
    }
}
