package org.ge4j.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.ge4j.bench.BenchModels;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.parser.onnx.OnnxParser;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every benchmark model gives the same outputs with ge4j (ONNX parser + reference interpreter) as with
 * ONNX Runtime 1.29 on the same seeded inputs. bert_like_dyn is also run at other (batch, seq) shapes.
 */
class OrtDifferentialTest {
    static final double RTOL = 1e-3, ATOL = 1e-4;

    private static OrtEnvironment env;

    @BeforeAll
    static void setUp() {
        Assumptions.assumeTrue(BenchModels.available(),
                "benchmark models not found in " + BenchModels.dir() + ": run scripts/export-bench-models.sh");
        env = OrtEnvironment.getEnvironment();
    }

    static Stream<Arguments> cases() throws Exception {
        if (!BenchModels.available()) return Stream.of(Arguments.of("(no models)", null, null));
        List<Arguments> l = new ArrayList<>();
        for (BenchModels.Model m : BenchModels.all()) {
            l.add(Arguments.of(m.name(), m, m.inputs()));
            if (m.name().endsWith("_dyn") && m.name().startsWith("bert")) {
                l.add(Arguments.of(m.name() + "@2x32", m, List.of(m.inputs().get(0).withShape(2, 32))));
                l.add(Arguments.of(m.name() + "@3x7", m, List.of(m.inputs().get(0).withShape(3, 7))));
            } else if (m.name().endsWith("_dyn")) {
                long[] s = m.inputs().get(0).shape().clone();
                s[0] = 2;
                l.add(Arguments.of(m.name() + "@batch2", m, List.of(m.inputs().get(0).withShape(s))));
            }
        }
        return l.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameOutputsAsOnnxRuntime(String label, BenchModels.Model model, List<BenchModels.InputSpec> specs) throws Exception {
        Assumptions.assumeTrue(model != null);
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (BenchModels.InputSpec s : specs) inputs.put(s.name(), s.random(42));
        try {
            Map<String, float[]> expected = runOrt(model, inputs);
            Graph g = new OnnxParser().parse(model.file());
            long t0 = System.nanoTime();
            Map<String, Value> actual = new ReferenceInterpreter().run(g, inputs);
            System.out.printf("%s: reference interpreter %.1f s%n", label, (System.nanoTime() - t0) / 1e9);
            assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
            for (Map.Entry<String, float[]> e : expected.entrySet()) {
                try (Tensor t = (Tensor) actual.get(e.getKey())) {
                    assertClose(label + " output " + e.getKey(), t.toFloatArray(), e.getValue());
                }
            }
        } finally {
            inputs.values().forEach(Tensor::close);
        }
    }

    private static Map<String, float[]> runOrt(BenchModels.Model model, Map<String, Tensor> inputs) throws Exception {
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(model.file().toString(), opts)) {
                Map<String, OnnxTensor> feeds = new HashMap<>();
                try {
                    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                        Tensor t = e.getValue();
                        feeds.put(e.getKey(), t.dtype() == DataType.FLOAT
                                ? OnnxTensor.createTensor(env, FloatBuffer.wrap(t.toFloatArray()), t.shape())
                                : OnnxTensor.createTensor(env, LongBuffer.wrap(t.toLongArray()), t.shape()));
                    }
                    Map<String, float[]> out = new LinkedHashMap<>();
                    try (OrtSession.Result r = s.run(feeds)) {
                        for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
                            FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                            float[] v = new float[fb.remaining()];
                            fb.get(v);
                            out.put(e.getKey(), v);
                        }
                    }
                    return out;
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    static void assertClose(String what, float[] actual, float[] expected) {
        assertThat(actual.length).as(what + " element count").isEqualTo(expected.length);
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            double excess = d - (ATOL + RTOL * Math.abs(expected[i]));
            if (excess > worst || Float.isNaN(actual[i]) != Float.isNaN(expected[i])) {
                worst = Math.max(worst, excess);
                worstAt = i;
            }
        }
        if (worstAt >= 0)
            throw new AssertionError(what + ": differs from ONNX Runtime at element " + worstAt + ": ge4j " + actual[worstAt]
                    + " vs ORT " + expected[worstAt] + " (rtol " + RTOL + ", atol " + ATOL + ")");
    }
}
