package org.ge4j.ops;

/** Facts about an op that passes query instead of switching on op names. */
public enum Trait {
    /** Output element i depends only on input elements at the same (broadcast) index. */
    ELEMENTWISE,
    /** No side effects and deterministic: may be constant-folded, CSE'd, removed when unused. */
    PURE,
    /** Binary op whose two inputs may be swapped. */
    COMMUTATIVE,
    /** (a op b) op c == a op (b op c). */
    ASSOCIATIVE,
    /** Output 0 may be written into input 0's buffer. */
    IN_PLACE,
    /** Output 0 is input 0's data reinterpreted (Reshape, Squeeze, Flatten...): no copy needed. */
    VIEW,
    /** Reads only its inputs' shapes, not their data (Shape, Size). */
    SHAPE_ONLY,
    /** Reduces along axes. */
    REDUCTION,
    /** Holds subgraphs (If, Loop, Scan). */
    CONTROL_FLOW,
    /** Output is random: never folded, CSE'd or compared in tests. */
    RANDOM,
    /** Behaves differently in training mode or has training-only outputs. */
    TRAINING,
    /**
     * Reads other values of its graph by name or walks the graph itself (Gradient): the compiler must not
     * rewrite a graph holding such an op beyond inferring its shapes.
     */
    GRAPH_REFLECTIVE
}
