package org.ge4j.ops;

/** Infers a node's output types and shapes from its inputs' descriptions, attributes and constant inputs. */
@FunctionalInterface
public interface ShapeInference {
    void infer(InferenceContext ctx);
}
