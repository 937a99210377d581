package org.ge4j.ops.exec;

import java.util.List;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.Attrs;

/**
 * What a {@link KernelCompiler} knows about the node it compiles: the node (attributes through
 * {@link #attrs()}), the static input and output descriptions (null for absent optional inputs), and the
 * values of constant inputs (null where not constant).
 */
public record NodeSpec(Node node, Attrs attrs, List<TensorDesc> inputs, List<TensorDesc> outputs, List<Tensor> constants, int opset) {
    public TensorDesc input(int i) { return i < inputs.size() ? inputs.get(i) : null; }

    public TensorDesc output(int i) { return outputs.get(i); }

    public long[] inputShape(int i) { return inputs.get(i).shape().toArray(); }

    public long[] outputShape(int i) { return outputs.get(i).shape().toArray(); }

    /** The constant value of input {@code i}, or null. */
    public Tensor constant(int i) { return i < constants.size() ? constants.get(i) : null; }
}
