package org.ge4j.ir;

/** The types an attribute can have (as in ONNX {@code AttributeProto.AttributeType}). */
public enum AttrType {
    INT, FLOAT, STRING, TENSOR, GRAPH, TYPE, INTS, FLOATS, STRINGS, TENSORS, GRAPHS, TYPES
}
