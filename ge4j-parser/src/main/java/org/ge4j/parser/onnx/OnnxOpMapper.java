package org.ge4j.parser.onnx;

import java.util.List;
import org.ge4j.ir.OutDataAnchor;

/**
 * A parser plugin: rewrites the ONNX nodes of one (domain, op type) over a range of opset versions into IR
 * nodes of the plugin's choice, e.g. maps {@code com.acme::MyOp} onto a custom ge4j op. Without a mapper,
 * an ONNX node becomes one IR node of the same domain, type and attributes.
 *
 * <p>Found with {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/org.ge4j.parser.onnx.OnnxOpMapper}, or add it with
 * {@link OnnxParser.Builder#optMapper}. When several mappers match a node, the one with the highest
 * {@link #sinceVersion()} not above the node's opset wins.
 */
public interface OnnxOpMapper {
    /** The ONNX domain of the nodes this mapper handles ("" or "ai.onnx" for the default domain). */
    String domain();

    /** The ONNX op type. */
    String opType();

    /** The first opset version of {@link #domain()} this mapper applies to. */
    default int sinceVersion() { return 1; }

    /** The last opset version this mapper applies to (inclusive). */
    default int untilVersion() { return Integer.MAX_VALUE; }

    /**
     * Adds the IR nodes replacing the ONNX node to {@link OnnxMapping#graph()} and returns the values
     * standing for the node's outputs, one per ONNX output (null for an unused output named "").
     * Throw {@link OnnxParseException} (via {@link OnnxMapping#fail}) for nodes it cannot map.
     */
    List<OutDataAnchor> map(OnnxMapping node);
}
