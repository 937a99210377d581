package org.ge4j.parser.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpRegistry;
import org.ge4j.parser.onnx.proto.ModelProto;

/**
 * Reads ONNX models into the ge4j IR.
 *
 * <ul>
 *   <li>Graph inputs become {@code ge4j::Data} nodes ({@link Graph#addInput}); inputs that also have an
 *       initializer are read as constants.</li>
 *   <li>Initializers (dense and sparse) become ONNX {@code Constant} nodes with a {@code value} tensor
 *       attribute; their output keeps the initializer's name.</li>
 *   <li>Every node becomes an IR node of the same domain and type with its attributes converted (sparse
 *       tensors made dense), unless an {@link OnnxOpMapper} rewrites it. {@code Constant} nodes always carry
 *       their value in the {@code value} attribute. Empty input names are absent optional inputs.</li>
 *   <li>Subgraphs (If/Loop/Scan bodies) are built with {@link Graph#newSubgraph}; names they do not define
 *       resolve to the values of enclosing graphs, innermost first.</li>
 *   <li>Types of inputs, outputs and {@code value_info} become {@link org.ge4j.ir.TensorDesc}s; opset
 *       imports go to {@link Graph#setOpset}; model facts to {@link Graph#metadata()} under the keys
 *       {@code ir_version}, {@code producer_name}, {@code producer_version}, {@code domain},
 *       {@code model_version}, {@code doc_string}, plus every {@code metadata_props} entry.</li>
 * </ul>
 *
 * Unknown ops are not a parse error (see {@link #validate}). Every problem with the file is an
 * {@link OnnxParseException} naming the model and the node or tensor. Instances are immutable and
 * thread-safe.
 */
public final class OnnxParser {
    /** A node whose op no library registers, for {@link #validate}. */
    public record UnknownOp(String node, String domain, String opType, int opset) {
        /** E.g. {@code node 'n1': unknown op com.acme::MyOp (domain com.acme, opset 1)}. */
        public String message() {
            String d = domain.isEmpty() ? "ai.onnx" : domain;
            return "node '" + node + "': unknown op " + (domain.isEmpty() ? "" : domain + "::") + opType + " (domain " + d + ", opset "
                    + (opset < 0 ? "not imported" : Integer.toString(opset)) + ")";
        }

        @Override public String toString() { return message(); }
    }

    private final OnnxOpMappers mappers;
    private final OpRegistry inferenceRegistry;

    private OnnxParser(OnnxOpMappers mappers, OpRegistry inferenceRegistry) {
        this.mappers = mappers;
        this.inferenceRegistry = inferenceRegistry;
    }

    /** A parser with the mappers found on the class path and no shape inference. */
    public OnnxParser() { this(OnnxOpMappers.global(), null); }

    public static Builder builder() { return new Builder(); }

    /**
     * Reads a model file; external data is looked up next to it. The file is mapped; protobuf-java 4 decodes a
     * heap copy of it (a direct buffer is copied before decoding), with aliasing (the weights' byte strings are
     * views of that copy), and each weight is copied once more, into the graph's tensors. The mapped pages are
     * released right after decoding and the heap copy is garbage once the graph is built (a caller that keeps
     * running, like the runtime's compile, collects it: it is as large as the file).
     */
    public Graph parse(Path model) {
        String source = model.toString();
        Path dir = model.toAbsolutePath().getParent();
        try (FileChannel ch = FileChannel.open(model, StandardOpenOption.READ); Arena arena = Arena.ofShared()) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE - 64)
                throw new OnnxParseException(source, "the model file has " + size + " bytes; protobuf files are limited to 2 GB (store the weights as external data)");
            MemorySegment mapped = size == 0 ? null : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            ByteBuffer bytes = mapped == null ? ByteBuffer.allocate(0) : mapped.asByteBuffer();
            ModelProto proto = decode(CodedInputStream.newInstance(bytes), source);
            // protobuf-java 4 decodes a heap copy of a direct buffer: the mapped pages it read for that copy are not
            // read again, and would stay resident through the parse besides the copy and the tensors made from it
            // (always safe: pages of a file mapping come back from the page cache if read again)
            if (mapped != null) mapped.unload();
            // everything the graph keeps is copied out of the mapping before it is closed (tensors, strings)
            return parse(proto, source, dir);
        } catch (NoSuchFileException e) {
            throw new OnnxParseException(source, "no such file");
        } catch (IOException e) {
            throw new OnnxParseException(source, "cannot read the model: " + e, e);
        }
    }

    /** Reads a model held in memory (it may not use external data). */
    public Graph parse(byte[] model) { return parse(model, "<bytes>", null); }

    /**
     * Reads a model held in memory.
     *
     * @param source  the model's name for messages
     * @param baseDir the directory of external data files, or null
     */
    public Graph parse(byte[] model, String source, Path baseDir) {
        return parse(decode(CodedInputStream.newInstance(model), source), source, baseDir);
    }

    private static ModelProto decode(CodedInputStream in, String source) {
        try {
            // aliasing: raw_data byte strings share the model's bytes instead of copying the weights
            in.enableAliasing(true);
            ModelProto proto = ModelProto.parseFrom(in);
            in.checkLastTagWas(0);
            return proto;
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxParseException(source, "not a valid ONNX model (truncated or corrupt protobuf): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new OnnxParseException(source, "cannot decode the model: " + e.getMessage(), e);
        }
    }

    /** Builds the IR of a decoded model. */
    public Graph parse(ModelProto model, String source, Path baseDir) {
        Graph g;
        try {
            g = new GraphReader(source, new OnnxTensors(source, baseDir), mappers).readModel(model);
        } catch (Ge4jException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new OnnxParseException(source, "internal error while reading the model (a ge4j bug): " + e, e);
        }
        if (inferenceRegistry != null) {
            try {
                new GraphInference(inferenceRegistry, false).infer(g);
            } catch (Ge4jException e) {
                throw new OnnxParseException(source, "shape inference failed: " + e.getMessage(), e);
            }
        }
        return g;
    }

    /** The nodes of {@code g} and its subgraphs whose op {@code registry} does not know (empty = all known). */
    public static List<UnknownOp> validate(Graph g, OpRegistry registry) {
        List<UnknownOp> l = new ArrayList<>();
        for (Node n : g.allNodes()) {
            if (n.isData() || registry.schemaFor(n) != null) continue;
            l.add(new UnknownOp(n.name(), n.domain(), n.type(), n.graph() == null ? -1 : n.graph().opset(n.domain())));
        }
        return l;
    }

    /** Options: {@code optX} settings are optional. */
    public static final class Builder {
        private OnnxOpMappers mappers;
        private OpRegistry inference;
        private final List<OnnxOpMapper> extra = new ArrayList<>();

        private Builder() {}

        /** Use these mappers instead of those found on the class path. */
        public Builder optMappers(OnnxOpMappers m) { this.mappers = m; return this; }

        /** Adds one mapper to the class-path ones (or those given by {@link #optMappers}). */
        public Builder optMapper(OnnxOpMapper m) { extra.add(m); return this; }

        /** Run shape and type inference (non-strict) with {@code registry} after building. */
        public Builder optInference(OpRegistry registry) { this.inference = registry; return this; }

        /** Run shape and type inference with the global op registry after building. */
        public Builder optInference(boolean on) { this.inference = on ? OpRegistry.global() : null; return this; }

        public OnnxParser build() {
            OnnxOpMappers m = mappers != null ? mappers : OnnxOpMappers.global();
            if (!extra.isEmpty()) {
                OnnxOpMappers more = new OnnxOpMappers();
                extra.forEach(more::add);
                m = m.with(more);
            }
            return new OnnxParser(m, inference);
        }
    }
}
