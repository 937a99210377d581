package org.ge4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ge4j.parser.conformance.ConformanceRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConformanceCommandTest {
    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test void runsASuiteSubsetAndEndsWithTheSummaryLine(@TempDir Path tmp) throws Exception {
        Path data = ConformanceRunner.locateData();
        assumeTrue(data != null, "ONNX test data not installed");
        Path tsv = tmp.resolve("r.tsv");
        Run r = run("conformance", "--suite", "node,simple", "--filter", "^test_(abs|sign_model)$", "--tsv", tsv.toString(), "-v");
        assertThat(r.code).isZero();
        List<String> lines = r.out.lines().toList();
        assertThat(lines.get(lines.size() - 1)).matches("conformance: passed [0-2] of 2");
        assertThat(r.out).contains("  node: passed").contains("  simple: passed");
        List<String> rows = Files.readAllLines(tsv);
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)).startsWith("node\ttest_abs\t");
        assertThat(rows.get(2)).startsWith("simple\ttest_sign_model\t");
    }

    @Test void compiledEngineTakesOptimizationSwitches() {
        assumeTrue(ConformanceRunner.locateData() != null, "ONNX test data not installed");
        Run r = run("conformance", "--suite", "pytorch-converted", "--filter", "^test_Conv2d$", "--engine", "compiled", "--optimization_switch", "layout:on");
        assertThat(r.code).isZero();
        assertThat(r.out).contains("conformance: passed 1 of 1");
        Run bad = run("conformance", "--engine", "compiled", "--optimization_switch", "layout:maybe");
        assertThat(bad.code).isNotZero();
        assertThat(bad.err).contains("--optimization_switch");
    }

    @Test void badArgumentsAreReported(@TempDir Path tmp) {
        Run r = run("conformance", "--data", tmp.toString(), "--suite", "nope");
        assertThat(r.code).isNotZero();
        assertThat(r.err).contains("no suite 'nope'");
        Run f = run("conformance", "--data", tmp.toString(), "--filter", "(");
        assertThat(f.code).isNotZero();
        assertThat(f.err).contains("--filter");
    }
}
