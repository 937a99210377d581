package org.ge4j.ir;

import java.util.Arrays;
import java.util.List;

/** A typed attribute value. Array-valued attributes compare by content. */
public sealed interface Attr {
    AttrType type();

    record Int(long value) implements Attr {
        public AttrType type() { return AttrType.INT; }
    }

    record Float(float value) implements Attr {
        public AttrType type() { return AttrType.FLOAT; }
        @Override public boolean equals(Object o) { return o instanceof Float f && java.lang.Float.compare(f.value, value) == 0; }
        @Override public int hashCode() { return java.lang.Float.hashCode(value); }
    }

    record Str(String value) implements Attr {
        public AttrType type() { return AttrType.STRING; }
    }

    /** A constant tensor; the attribute owns it. */
    record TensorValue(Tensor value) implements Attr {
        public AttrType type() { return AttrType.TENSOR; }
        @Override public boolean equals(Object o) { return o instanceof TensorValue t && t.value.contentEquals(value); }
        @Override public int hashCode() { return Arrays.hashCode(value.shape()) * 31 + value.dtype().hashCode(); }
    }

    /** A subgraph owned by the node holding this attribute. */
    record GraphValue(Graph value) implements Attr {
        public AttrType type() { return AttrType.GRAPH; }
    }

    /** A type (ONNX TypeProto), e.g. for Optional's {@code type} attribute. */
    record TypeValue(TensorDesc value) implements Attr {
        public AttrType type() { return AttrType.TYPE; }
    }

    record Ints(long[] value) implements Attr {
        public AttrType type() { return AttrType.INTS; }
        @Override public boolean equals(Object o) { return o instanceof Ints i && Arrays.equals(i.value, value); }
        @Override public int hashCode() { return Arrays.hashCode(value); }
        @Override public String toString() { return "Ints" + Arrays.toString(value); }
    }

    record Floats(float[] value) implements Attr {
        public AttrType type() { return AttrType.FLOATS; }
        @Override public boolean equals(Object o) { return o instanceof Floats f && Arrays.equals(f.value, value); }
        @Override public int hashCode() { return Arrays.hashCode(value); }
        @Override public String toString() { return "Floats" + Arrays.toString(value); }
    }

    record Strs(List<String> value) implements Attr {
        public Strs { value = List.copyOf(value); }
        public AttrType type() { return AttrType.STRINGS; }
    }

    record Tensors(List<Tensor> value) implements Attr {
        public Tensors { value = List.copyOf(value); }
        public AttrType type() { return AttrType.TENSORS; }
        @Override public boolean equals(Object o) {
            if (!(o instanceof Tensors t) || t.value.size() != value.size()) return false;
            for (int i = 0; i < value.size(); i++) if (!value.get(i).contentEquals(t.value.get(i))) return false;
            return true;
        }
        @Override public int hashCode() { return value.size(); }
    }

    record Graphs(List<Graph> value) implements Attr {
        public Graphs { value = List.copyOf(value); }
        public AttrType type() { return AttrType.GRAPHS; }
    }

    record Types(List<TensorDesc> value) implements Attr {
        public Types { value = List.copyOf(value); }
        public AttrType type() { return AttrType.TYPES; }
    }

    static Attr of(long v) { return new Int(v); }
    static Attr of(float v) { return new Float(v); }
    static Attr of(String v) { return new Str(v); }
    static Attr of(Tensor v) { return new TensorValue(v); }
    static Attr of(Graph v) { return new GraphValue(v); }
    static Attr of(long... v) { return new Ints(v.clone()); }
    static Attr of(float... v) { return new Floats(v.clone()); }
    static Attr ofStrings(List<String> v) { return new Strs(v); }
}
