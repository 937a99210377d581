package org.ge4j.ir;

import java.util.List;

/** An ONNX sequence: an ordered list of tensors of one element type. Owns its tensors. */
public record TensorSequence(DataType elementType, List<Tensor> tensors) implements Value {
    public TensorSequence {
        tensors = List.copyOf(tensors);
        for (Tensor t : tensors)
            if (t.dtype() != elementType)
                throw new IllegalArgumentException("sequence of " + elementType + " holds a " + t.dtype() + " tensor");
    }

    @Override public ValueKind kind() { return ValueKind.SEQUENCE; }

    public int size() { return tensors.size(); }

    public Tensor get(int i) { return tensors.get(i); }

    @Override public void close() { tensors.forEach(Tensor::close); }
}
