package org.ge4j.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ge4j.compiler.OptLevel;
import org.ge4j.ir.Tensor;
import org.ge4j.compiler.om.ModelDefinition.ExecutionMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the benchmark end to end on a tiny model (no timing assertions). */
class BenchSmokeTest {
    private static final float[] X = {1f, -2f, 3f, -4f};

    @Test
    void ge4jEngineRunsAGraphBuilderModel() throws Exception {
        try (Ge4jEngine e = Ge4jEngine.graph("tiny", TinyModels::graph, OptLevel.O3); Tensor x = Tensor.of(X, 1, 4)) {
            List<Engine.Phase> load = e.load();
            assertThat(load).extracting(Engine.Phase::name).startsWith("parse", "optimize");
            assertThat(e.mode()).isEqualTo(ExecutionMode.STATIC);
            assertThat(e.declaredInputs()).containsExactly(BenchModels.InputSpec.parse("x:float32:1x4"));
            e.bind(Map.of("x", x));
            e.run(); // allocates the outputs
            e.run(); // into them
            double[] y = e.outputs().get("y");
            double[] want = TinyModels.expected(X); // relu([-2.6, -0.3, 2.1])
            assertThat(want).containsExactly(new double[] {0, 0, 2.1}, within(1e-6));
            assertThat(y).containsExactly(want, within(1e-5));
            Bencher.Plan p = new Bencher.Plan(3, 0, 10, true, 10, 2, 10, 5);
            long[] warm = Bencher.warmUp(e::run, p, 0);
            assertThat(warm.length).isGreaterThanOrEqualTo(3);
            long[][] s = Bencher.timed(List.of(e::run), p);
            assertThat(Stats.of(s[0]).count()).isEqualTo(10);
            assertThat(e.describe()).contains("static").contains("ge4j.threads");
        }
    }

    private static String bench(int expectedExit, String... args) {
        BenchCommand c = new BenchCommand();
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        c.out = new PrintStream(out, true, StandardCharsets.UTF_8);
        c.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        int code = BenchCommand.commandLine(c, args).execute(args);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as("exit code; stderr: " + err.toString(StandardCharsets.UTF_8) + "\nstdout: " + text).isEqualTo(expectedExit);
        return text;
    }

    @Test
    void versusOrtEndsWithTheRatioLine(@TempDir Path dir) throws Exception {
        Path f = TinyModels.writeOnnx(dir, "tiny", false);
        Path tsv = dir.resolve("r.tsv");
        String out = bench(0, f.toString(), "--vs-ort", "--runs", "6", "--warmup", "2", "--block", "2", "--tsv", tsv.toString());
        assertThat(out).contains("ge4j bench tiny").contains("inputs   x:float32:1x4").contains("outputs after the timed runs: agree: 3 values");
        List<String> lines = out.strip().lines().toList();
        assertThat(lines.getLast()).matches("ratio ge4j/ort: \\d+\\.\\d{3}");
        List<String> rows = Files.readAllLines(tsv);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).split("\t")).containsExactlyElementsOf(BenchReport.COLUMNS);
        assertThat(rows.get(1).split("\t", -1)[2]).isEqualTo("ge4j");
        assertThat(rows.get(2).split("\t", -1)[2]).isEqualTo("ort");
        assertThat(rows.get(1).split("\t", -1)[BenchReport.COLUMNS.indexOf("agree")]).isEqualTo("true");
        assertThat(rows.get(1).split("\t", -1)[BenchReport.COLUMNS.indexOf("runs")]).isEqualTo("6");
    }

    @Test
    void profileRecordsTheTimedRuns(@TempDir Path dir) throws Exception {
        Path f = TinyModels.writeOnnx(dir, "tiny", false);
        Path jfr = dir.resolve("p.jfr");
        String out = bench(0, f.toString(), "--runs", "200", "--warmup", "10", "--warmup-min-time", "0", "--profile", jfr.toString());
        assertThat(jfr).isRegularFile();
        assertThat(out).contains("JFR recording of the timed runs: " + jfr).containsPattern("profile: \\d+ execution samples")
                .contains("hottest methods").contains("by task kernel");
    }

    @Test
    void batchOnADynamicModelGivesThroughput(@TempDir Path dir) throws Exception {
        Path f = TinyModels.writeOnnx(dir, "tiny_dyn", true);
        String out = bench(0, f.toString(), "--vs-ort", "--batch", "3", "--runs", "3", "--warmup", "1", "--warmup-min-time", "0");
        assertThat(out).contains("x:float32:3x4").contains("inferences/s").contains("agree: 9 values");
    }

    @Test
    void batchOnAStaticModelIsRefused(@TempDir Path dir) throws Exception {
        Path f = TinyModels.writeOnnx(dir, "tiny", false);
        BenchCommand c = new BenchCommand();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        c.err = new PrintStream(err, true, StandardCharsets.UTF_8);
        String[] args = {f.toString(), "--batch", "2", "--runs", "1"};
        CommandLineCapture cap = new CommandLineCapture(c, args);
        assertThat(cap.code).isEqualTo(1);
        assertThat(cap.err).contains("--batch 2: input 'x' has a fixed first dim of 1");
    }

    @Test
    void coldStartsRunInFreshJvms(@TempDir Path dir) throws Exception {
        Path f = TinyModels.writeOnnx(dir, "tiny", false);
        String out = bench(0, f.toString(), "--vs-ort", "--cold", "--cold-repeats", "1", "--cold-runs", "2", "--runs", "2", "--warmup", "0", "--warmup-min-time", "0");
        assertThat(out).contains("cold start: a fresh JVM per engine").containsPattern("\\nge4j\\s+\\d").containsPattern("\\nort\\s+\\d").contains(" MB");
    }

    @Test
    void omLoadsACompiledModelAlsoInColdJvms(@TempDir Path dir) throws Exception {
        Path f = TinyModels.writeOnnx(dir, "tiny", false);
        Path tsv = dir.resolve("r.tsv");
        String out = bench(0, f.toString(), "--vs-ort", "--om", "--warmup-at-load", "blocking", "--tsv", tsv.toString(), "--cold", "--cold-repeats", "1", "--cold-runs", "1", "--runs", "3", "--warmup", "1", "--warmup-min-time", "0");
        assertThat(out).contains("ge4j load: load .om").contains("ge4j     ge4j .om, warm-up at load blocking, static").contains("agree: 3 values").contains("cold start");
        assertThat(BenchTable.read(tsv)).extracting(r -> r.get("engine")).containsExactly("ge4j.om", "ort");
    }

    /** Runs a command capturing its picocli error stream. */
    private static final class CommandLineCapture {
        final int code;
        final String err;

        CommandLineCapture(BenchCommand c, String[] args) {
            java.io.StringWriter w = new java.io.StringWriter();
            picocli.CommandLine line = BenchCommand.commandLine(c, args);
            line.setErr(new java.io.PrintWriter(w, true));
            code = line.execute(args);
            err = w.toString();
        }
    }
}
