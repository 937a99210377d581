package org.ge4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.ge4j.compiler.OptLevel;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
    private static BenchConfig config(String... args) {
        BenchCommand c = new BenchCommand();
        BenchCommand.commandLine(c, args).parseArgs(args);
        return c.config();
    }

    @Test
    void defaults() {
        BenchConfig c = config("resnet50");
        assertThat(c.model()).isEqualTo("resnet50");
        assertThat(c.engines()).containsExactly("ge4j");
        assertThat(c.threads()).isEqualTo(1);
        assertThat(c.batch()).isEqualTo(1);
        assertThat(c.plan()).isEqualTo(new Bencher.Plan(20, 10, 20, true, 50, 5, 60, 5));
        assertThat(c.level()).isEqualTo(OptLevel.O3);
        assertThat(c.ortSpinning()).isEqualTo(OrtEngine.Spinning.ON);
        assertThat(c.cold()).isFalse();
        assertThat(c.om()).isFalse();
        assertThat(c.seed()).isEqualTo(42);
        assertThat(c.rtol()).isEqualTo(1e-3);
        assertThat(c.peakGflops()).isZero(); // measured when the benchmark runs
        assertThat(c.command()).isEqualTo("ge4j bench resnet50");
    }

    @Test
    void everyOptionIsRead() {
        BenchConfig c = config("m.onnx", "--vs-ort", "--threads", "2", "--runs", "30", "--min-runs", "4", "--max-time", "9", "--warmup", "3",
                "--warmup-min-time", "1.5", "--warmup-time", "2.5", "--no-until-stable", "--block", "2", "--batch", "8", "--input", "x:float32:8x4", "--models-dir", "/m",
                "--level", "O1", "--ort-spinning", "off", "--cold", "--cold-repeats", "2", "--cold-runs", "0", "--tsv", "r.tsv", "--seed", "7",
                "--rtol", "0.01", "--atol", "0.001", "--peak-gflops", "262");
        assertThat(c.engines()).containsExactly("ge4j", "ort");
        assertThat(c.versus()).isTrue();
        assertThat(c.threads()).isEqualTo(2);
        assertThat(c.plan()).isEqualTo(new Bencher.Plan(3, 1.5, 2.5, false, 30, 4, 9, 2));
        assertThat(c.batch()).isEqualTo(8);
        assertThat(c.inputs()).containsExactly(BenchModels.InputSpec.parse("x:float32:8x4"));
        assertThat(c.modelsDir()).isEqualTo(Path.of("/m"));
        assertThat(c.level()).isEqualTo(OptLevel.O1);
        assertThat(c.ortSpinning()).isEqualTo(OrtEngine.Spinning.OFF);
        assertThat(c.cold()).isTrue();
        assertThat(c.coldRepeats()).isEqualTo(2);
        assertThat(c.coldRuns()).isZero();
        assertThat(c.tsv()).isEqualTo(Path.of("r.tsv"));
        assertThat(c.seed()).isEqualTo(7);
        assertThat(c.rtol()).isEqualTo(0.01);
        assertThat(c.atol()).isEqualTo(0.001);
        assertThat(c.peakGflops()).isEqualTo(262);
        assertThat(c.command()).startsWith("ge4j bench m.onnx --vs-ort --threads 2").doesNotContain("r.tsv").endsWith("--peak-gflops 262");
    }

    @Test
    void anOptionGivenTwiceTakesItsLastValue() {
        assertThat(config("m", "--runs", "10", "--runs", "5").plan().runs()).isEqualTo(5);
    }

    @Test
    void warmUpAtLoad() {
        assertThat(config("m").warmUpAtLoad()).isNull();
        assertThat(config("m", "--warmup-at-load", "blocking").warmUpAtLoad()).isEqualTo(org.ge4j.runtime.WarmUp.BLOCKING);
        assertThatThrownBy(() -> config("m", "--warmup-at-load", "later")).hasMessageContaining("off, background or blocking");
    }

    @Test
    void optimizationSwitchesGoToTheCompilerAndToColdChildren() {
        assertThat(config("m").switches()).isNull();
        BenchConfig c = config("m", "--optimization_switch", "layout:on");
        assertThat(c.switches()).isEqualTo("layout:on");
        assertThat(new ColdRunner(c, new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).childCommand("ge4j", Path.of("m.onnx"), java.util.List.of(), null))
                .containsSubsequence("--optimization_switch", "layout:on");
        assertThatThrownBy(() -> config("m", "--optimization_switch", "layout")).hasMessageContaining("--optimization_switch");
    }

    @Test
    void omFileImpliesOm() {
        assertThat(config("m", "--om").om()).isTrue();
        BenchConfig c = config("m", "--om-file", "m.om");
        assertThat(c.om()).isTrue();
        assertThat(c.omFile()).isEqualTo(Path.of("m.om"));
    }

    @Test
    void engineAloneAndMinRunsClippedToRuns() {
        assertThat(config("m", "--engine", "ort").engines()).containsExactly("ort");
        assertThat(config("m", "--runs", "3").plan().minRuns()).isEqualTo(3);
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> config("m", "--threads", "0")).hasMessageContaining("--threads must be >= 1");
        assertThatThrownBy(() -> config("m", "--batch", "0")).hasMessageContaining("--batch must be >= 1");
        assertThatThrownBy(() -> config("m", "--runs", "0")).hasMessageContaining("--runs must be >= 1");
        assertThatThrownBy(() -> config("m", "--engine", "tvm")).hasMessageContaining("--engine must be ge4j or ort");
        assertThatThrownBy(() -> config("m", "--ort-spinning", "maybe")).hasMessageContaining("--ort-spinning must be on, always or off");
        assertThatThrownBy(() -> config("m", "--level", "O7")).hasMessageContaining("unknown optimisation level 'O7'");
        assertThatThrownBy(() -> config("m", "--input", "x:f:1")).hasMessageContaining("unsupported dtype 'f'");
        assertThatThrownBy(() -> config("m", "--cold-repeats", "0")).hasMessageContaining("--cold-repeats must be >= 1");
        assertThatThrownBy(() -> config("m", "--max-time", "0")).hasMessageContaining("--max-time must be > 0");
    }

    @Test
    void picocliRejectsMissingModelAndNonNumbers() {
        assertThatThrownBy(() -> config()).isInstanceOf(CommandLine.MissingParameterException.class).hasMessageContaining("MODEL");
        assertThatThrownBy(() -> config("m", "--threads", "two")).isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("two");
    }

    @Test
    void badOptionsExitWithUsageErrorAndAMessage() {
        BenchCommand c = new BenchCommand();
        StringWriter err = new StringWriter();
        CommandLine line = BenchCommand.commandLine(c, "m", "--threads", "0");
        line.setErr(new PrintWriter(err));
        int code = line.execute("m", "--threads", "0");
        assertThat(code).isEqualTo(2); // picocli's usage error code
        assertThat(err.toString()).contains("--threads must be >= 1");
    }

    @Test
    void anUnknownModelNamesTheModelsDirectory(@org.junit.jupiter.api.io.TempDir Path dir) {
        assertThatThrownBy(() -> Benchmark.resolve("nope", dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope' is neither a file nor a benchmark model").hasMessageContaining("export-bench-models.sh");
    }
}
