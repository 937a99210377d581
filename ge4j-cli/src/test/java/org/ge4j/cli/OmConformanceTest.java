package org.ge4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;
import org.ge4j.compiler.om.ModelDefinition.IoDesc;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ir.ValueKind;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.parser.conformance.ConformanceReport;
import org.ge4j.parser.conformance.ConformanceRunner;
import org.ge4j.parser.conformance.TestStatus;
import org.ge4j.runtime.CompileOptions;
import org.ge4j.runtime.CompiledModel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every conformance model goes through a .om file: compiled at O3, saved, loaded (memory-mapped) and run
 * from the loaded model — the .om round trip loses no test the in-memory compiled model passes. Models
 * whose inputs or outputs are not plain tensors run the loaded graph on the interpreter.
 */
class OmConformanceTest {
    @TempDir Path dir;

    /** Compile, save, load, run the loaded model. */
    final class OmEngine implements ConformanceRunner.Engine {
        final AtomicInteger count = new AtomicInteger();

        @Override public ConformanceRunner.Prepared prepare(Graph g, OpRegistry registry) {
            Path file = dir.resolve("m" + count.incrementAndGet() + ".om");
            boolean tensors = tensorsOnly(g);
            List<OutDataAnchor> declared = g.inputs();
            List<long[]> declaredShapes = new ArrayList<>();
            for (OutDataAnchor a : declared) declaredShapes.add(staticDims(a));
            try (CompiledModel m = CompiledModel.compile(g, CompileOptions.builder()
                    .optCompilerOptions(CompilerOptions.builder().setLevel(OptLevel.O3).optRegistry(registry).build()).build())) {
                m.save(file);
            }
            CompiledModel loaded = CompiledModel.load(file, registry, List.of(OpRegistry.VECTOR));
            return new ConformanceRunner.Prepared() {
                @Override public List<Value> run(List<Value> inputs) {
                    if (!tensors || contradicts(declaredShapes, inputs)) return new ReferenceInterpreter(registry).runGraph(loaded.graph(), inputs, null);
                    Map<String, Tensor> feeds = new LinkedHashMap<>();
                    List<IoDesc> ins = loaded.inputs();
                    for (int i = 0; i < inputs.size(); i++) feeds.put(ins.get(i).name(), (Tensor) inputs.get(i));
                    return new ArrayList<>(loaded.run(feeds).values());
                }

                @Override public void close() {
                    loaded.close();
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            };
        }
    }

    private static long[] staticDims(OutDataAnchor a) {
        var s = a.desc().shape();
        if (!s.hasRank()) return null;
        long[] d = new long[s.rank()];
        for (int i = 0; i < d.length; i++) d[i] = s.dim(i).valueOr(-1);
        return d;
    }

    private static boolean contradicts(List<long[]> declared, List<Value> inputs) {
        for (int i = 0; i < declared.size(); i++) {
            long[] d = declared.get(i);
            Tensor t = (Tensor) inputs.get(i);
            if (d == null) continue;
            if (d.length != t.rank()) return true;
            for (int k = 0; k < d.length; k++) if (d[k] >= 0 && d[k] != t.dim(k)) return true;
        }
        return false;
    }

    private static boolean tensorsOnly(Graph g) {
        List<OutDataAnchor> values = new ArrayList<>(g.inputs());
        for (Graph.Output o : g.outputs()) values.add(o.value());
        for (OutDataAnchor a : values) if (a.desc().kind() != ValueKind.TENSOR || a.desc().dtype() == DataType.STRING) return false;
        return true;
    }

    @Test
    void theOmRoundTripLosesNoConformanceTest() throws Exception {
        Path data = ConformanceRunner.locateData();
        Assumptions.assumeTrue(data != null, "ONNX test data not installed (apt-get install libonnx-testdata)");
        ConformanceRunner.Options o = ConformanceRunner.Options.defaults(data).withTimeout(Duration.ofSeconds(120)).withJobs(2);
        ConformanceReport compiled = new ConformanceRunner(o, OpRegistry.global(), new CompiledEngine(OptLevel.O3)).run(x -> {});
        ConformanceReport om = new ConformanceRunner(o, OpRegistry.global(), new OmEngine()).run(x -> {});
        System.out.println("compiled O3: " + compiled.summaryLine() + "; through .om files: " + om.summaryLine());
        List<String> lost = new ArrayList<>();
        var passedCompiled = new java.util.HashSet<String>();
        compiled.results().forEach(r -> { if (r.status() == TestStatus.PASS) passedCompiled.add(r.test().suite() + "/" + r.test().name()); });
        om.results().forEach(r -> { if (r.status() != TestStatus.PASS && passedCompiled.contains(r.test().suite() + "/" + r.test().name())) lost.add(r.test().name() + ": " + r.reason()); });
        assertThat(lost).as("tests the in-memory compiled model passes but its .om does not").isEmpty();
        assertThat(om.passed()).isGreaterThanOrEqualTo(compiled.passed());
    }
}
