package org.ge4j.cli;

import java.util.Arrays;
import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.ops.api.GraphBuilder;
import picocli.CommandLine.Command;

/** Builds a small graph with the Graph API, runs it with the reference interpreter, prints the result. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Build a small classifier graph with the Graph API, run it, print the graph and the result.")
public final class DemoCommand implements Runnable {
    @Override public void run() {
        // a two-layer classifier over a batch of N feature vectors: softmax(relu(x W1 + b1) W2 + b2)
        GraphBuilder b = GraphBuilder.create("demo_classifier");
        OutDataAnchor x = b.input("features", DataType.FLOAT, Shape.of("N", 4));
        OutDataAnchor w1 = b.constant("w1", Tensor.of(new float[] {
                0.5f, -0.2f, 0.1f,
                0.3f, 0.8f, -0.5f,
                -0.6f, 0.1f, 0.9f,
                0.2f, -0.3f, 0.4f}, 4, 3));
        OutDataAnchor b1 = b.constant("b1", Tensor.of(new float[] {0.1f, 0f, -0.1f}, 3));
        OutDataAnchor w2 = b.constant("w2", Tensor.of(new float[] {1f, -1f, 0.5f, 0.5f, -1f, 1f}, 3, 2));
        OutDataAnchor b2 = b.constant("b2", Tensor.of(new float[] {0f, 0.2f}, 2));
        OutDataAnchor hidden = b.relu(b.add(b.matMul(x, w1), b1));
        OutDataAnchor probs = b.softmax(b.add(b.matMul(hidden, w2), b2), -1);
        Graph g = b.output("probabilities", probs).build();

        System.out.println("graph '" + g.name() + "': " + g.nodeCount() + " nodes");
        for (var n : g.topologicalOrder()) {
            if (n.outputCount() == 0) continue;
            System.out.printf("  %-22s %-20s -> %s%n", n.name(), n.qualifiedType(), n.output(0).desc());
        }
        float[] batch = {1f, 2f, 3f, 4f, -1f, 0.5f, 2f, 0f};
        try (Tensor in = Tensor.of(batch, 2, 4)) {
            Map<String, Value> out = new ReferenceInterpreter().run(g, Map.of("features", in));
            try (Tensor p = (Tensor) out.get("probabilities")) {
                System.out.println("input features " + Arrays.toString(in.shape()) + ": " + Arrays.toString(batch));
                float[] v = p.toFloatArray();
                for (int i = 0; i < p.dim(0); i++)
                    System.out.printf("  sample %d: class probabilities [%.4f, %.4f]%n", i, v[2 * i], v[2 * i + 1]);
            }
        }
    }
}
