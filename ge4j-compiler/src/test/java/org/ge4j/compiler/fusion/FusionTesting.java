package org.ge4j.compiler.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.compiler.PassTests.assertSameFunction;
import static org.ge4j.compiler.PassTests.runPass;

import java.util.Random;
import java.util.function.Supplier;
import org.ge4j.compiler.PassTests;
import org.ge4j.compiler.pass.PassContext;
import org.ge4j.compiler.passes.PatternFusion;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;

/** Shared helpers of the fusion tests. */
final class FusionTesting {
    private FusionTesting() {}

    static PatternFusion fusion() { return new PatternFusion(PassTests.options()); }

    /** Fuses a fresh graph, checks the fused graph numerically against the original, returns it. */
    static Graph fused(Supplier<Graph> make) {
        Graph g = make.get();
        assertThat(runPass(fusion(), g)).as("fusion changed the graph").isTrue();
        assertSameFunction(make, x -> runPass(fusion(), x), 17);
        return g;
    }

    /** The rewrites applied by one run of the fusion pass on a fresh graph, by pattern name. */
    static java.util.Map<String, Integer> rewrites(Supplier<Graph> make) {
        PassContext ctx = new PassContext(PassTests.options());
        fusion().run(make.get(), ctx);
        return ctx.rewrites();
    }

    static Tensor random(long seed, long... shape) {
        Random r = new Random(seed);
        float[] v = new float[(int) Shape.elementCount(shape)];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        return Tensor.of(v, shape);
    }

    static Tensor positive(long seed, long... shape) {
        Random r = new Random(seed);
        float[] v = new float[(int) Shape.elementCount(shape)];
        for (int i = 0; i < v.length; i++) v[i] = 0.5f + r.nextFloat();
        return Tensor.of(v, shape);
    }
}
