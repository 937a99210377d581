package org.ge4j.ir;

/** What kind of value flows along an edge: a tensor, a sequence of tensors, or an optional of either. */
public enum ValueKind {
    TENSOR, SEQUENCE, OPTIONAL_TENSOR, OPTIONAL_SEQUENCE, MAP
}
