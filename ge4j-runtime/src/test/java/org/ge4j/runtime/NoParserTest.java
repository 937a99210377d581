package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime loads and runs a .om with neither the ONNX parser nor protobuf on the class path: the probe
 * runs in a class loader built from this test's class path minus those jars.
 */
class NoParserTest {
    @TempDir Path dir;

    @Test
    void aDotOmRunsWithoutTheParserOnTheClassPath() throws Exception {
        Path om = dir.resolve("cnn.om");
        float[] expected;
        try (CompiledModel m = CompiledModel.compile(TestGraphs.smallCnn(1)); Tensor x = TestGraphs.random(3, 1, 3, 8, 8)) {
            m.save(om);
            Map<String, Tensor> out = m.run(Map.of("x", x));
            expected = out.get("y").toFloatArray();
            TestGraphs.closeAll(out);
        }
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        int dropped = 0;
        for (String e : cp.split(File.pathSeparator)) {
            if (e.isEmpty()) continue;
            if (e.contains("ge4j-parser") || e.contains("protobuf")) { dropped++; continue; }
            urls.add(Path.of(e).toUri().toURL());
        }
        assertThat(dropped).as("the parser was on the test class path to begin with").isPositive();
        Path onnx = Files.write(dir.resolve("m.onnx"), new byte[] {8, 7});
        ClassLoader saved = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            Class<?> probe = loader.loadClass(Probe.class.getName());
            Object[] r = (Object[]) probe.getMethod("run", String.class, String.class).invoke(null, om.toString(), onnx.toString());
            assertThat((float[]) r[0]).containsExactly(expected);
            assertThat((String) r[1]).contains("compiling an ONNX model needs the ONNX parser (module ge4j-parser) on the class path");
            assertThat((Boolean) r[2]).as("parser visible").isFalse();
        } finally {
            Thread.currentThread().setContextClassLoader(saved);
        }
    }

    /** Runs inside the parser-less class loader. */
    public static final class Probe {
        public static Object[] run(String om, String onnx) {
            float[] y;
            try (CompiledModel m = CompiledModel.load(Path.of(om)); Tensor x = TestGraphs.random(3, 1, 3, 8, 8)) {
                Map<String, Tensor> out = m.run(Map.of("x", x));
                y = out.get("y").toFloatArray();
                TestGraphs.closeAll(out);
            }
            String error = "";
            try {
                CompiledModel.compile(Path.of(onnx), CompileOptions.defaults()).close();
            } catch (RuntimeException e) {
                error = e.getMessage();
            }
            boolean parserVisible;
            try {
                Class.forName("org.ge4j.parser.onnx.OnnxParser");
                parserVisible = true;
            } catch (ClassNotFoundException e) {
                parserVisible = false;
            }
            return new Object[] {y, error, parserVisible};
        }
    }
}
