package org.ge4j.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.parser.conformance.ConformanceReport;
import org.ge4j.parser.conformance.ConformanceRunner;
import org.ge4j.parser.conformance.TestResult;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The compiler never loses a conformance test: every ONNX backend test the reference interpreter passes on
 * the graph as parsed, it also passes on the graph optimised at O3 (verifier on between passes), run by the
 * same interpreter, so any difference is the passes'. Slow (the whole suite twice): runs only with
 * {@code -Dge4j.conformance=true}.
 */
class CompilerConformanceTest {
    @Test
    void o3NeverLosesATestTheInterpreterPasses() {
        Assumptions.assumeTrue(Boolean.getBoolean("ge4j.conformance"), "set -Dge4j.conformance=true to run the conformance suite");
        var data = ConformanceRunner.locateData();
        Assumptions.assumeTrue(data != null, "ONNX test data not installed (apt-get install libonnx-testdata)");
        ConformanceRunner.Options o = ConformanceRunner.Options.defaults(data).withTimeout(Duration.ofSeconds(120)).withJobs(2);
        ConformanceReport plain = new ConformanceRunner(o, OpRegistry.global()).run(x -> {});
        ConformanceRunner.Engine o3 = (g, registry) -> {
            Compiler.optimize(g, CompilerOptions.builder().setLevel(OptLevel.O3).optVerify(true).optRegistry(registry).optSwitches(System.getProperty("ge4j.conformance.switches", "")).build());
            ReferenceInterpreter interpreter = new ReferenceInterpreter(registry);
            return inputs -> interpreter.runGraph(g, inputs, null);
        };
        ConformanceReport optimised = new ConformanceRunner(o, OpRegistry.global(), o3).run(x -> {});
        Map<String, TestResult> after = new HashMap<>();
        for (TestResult r : optimised.results()) after.put(r.test().id(), r);
        List<String> lost = new ArrayList<>();
        for (TestResult r : plain.results())
            if (r.passed() && (after.get(r.test().id()) == null || !after.get(r.test().id()).passed()))
                lost.add(r.test().id() + ": " + (after.get(r.test().id()) == null ? "missing" : after.get(r.test().id()).reason()));
        System.out.println("interpreter " + plain.summaryLine() + "; O3 " + optimised.summaryLine());
        lost.forEach(l -> System.out.println("LOST " + l));
        assertThat(lost).as("tests the O3 pipeline loses").isEmpty();
        assertThat(optimised.passed()).isGreaterThanOrEqualTo(plain.passed());
    }
}
