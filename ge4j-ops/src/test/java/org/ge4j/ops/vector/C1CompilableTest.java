package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ge4j.ops.exec.CompiledKernel;
import org.junit.jupiter.api.Test;

/**
 * Every method of the vector kernels must compile with C1: a method first compiled at tier 2 (when C2 is
 * busy) whose tier-3 compile fails ("out of virtual registers") never reaches C2 and keeps running the
 * Vector API's Java fallback, ~100x slower and allocating. Runs every kernel of {@link AllocationFreeTest}
 * in a child JVM limited to C1 and checks that no compile of this package was skipped.
 */
class C1CompilableTest {
    /** The child: runs each kernel for a while. */
    public static void main(String[] a) throws Exception {
        var m = AllocationFreeTest.class.getDeclaredMethod("cases");
        m.setAccessible(true);
        @SuppressWarnings("unchecked")
        var cases = (java.util.Map<String, KernelHarness.Case>) m.invoke(null);
        for (var e : cases.values()) {
            CompiledKernel k = AllocationFreeTest.compile(e);
            MemorySegment[] args = KernelHarness.args(e);
            long t = System.nanoTime();
            while (System.nanoTime() - t < 400_000_000L) KernelHarness.invoke(k, args);
        }
        System.out.println("probe done");
    }

    @Test
    void everyKernelMethodCompilesWithC1() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=3", "-XX:+PrintCompilation",
                "-cp", System.getProperty("java.class.path"), C1CompilableTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> skipped = new ArrayList<>();
        boolean done = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line; (line = r.readLine()) != null; ) {
                // "concurrent class loading" is a transient bail-out the JIT retries, not a method C1 cannot compile
                if (line.contains("org.ge4j.ops.vector") && line.contains("COMPILE SKIPPED") && !line.contains("concurrent class loading"))
                    skipped.add(line.trim());
                done |= line.contains("probe done");
            }
        }
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(done).as("the probe ran to its end").isTrue();
        assertThat(skipped).as("methods C1 could not compile").isEmpty();
    }
}
