package org.ge4j.ir;

/** An ONNX optional: either empty or holding one tensor or sequence. */
public record OptionalValue(TensorDesc elementType, Value value) implements Value {
    public static OptionalValue empty(TensorDesc elementType) { return new OptionalValue(elementType, null); }

    public boolean isPresent() { return value != null; }

    @Override public ValueKind kind() {
        return elementType.kind() == ValueKind.SEQUENCE ? ValueKind.OPTIONAL_SEQUENCE : ValueKind.OPTIONAL_TENSOR;
    }

    @Override public void close() { if (value != null) value.close(); }
}
