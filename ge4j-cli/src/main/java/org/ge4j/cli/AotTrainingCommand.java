package org.ge4j.cli;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.ge4j.parser.onnx.proto.AttributeProto;
import org.ge4j.parser.onnx.proto.GraphProto;
import org.ge4j.parser.onnx.proto.ModelProto;
import org.ge4j.parser.onnx.proto.NodeProto;
import org.ge4j.parser.onnx.proto.OperatorSetIdProto;
import org.ge4j.parser.onnx.proto.TensorProto;
import org.ge4j.parser.onnx.proto.TensorShapeProto;
import org.ge4j.parser.onnx.proto.TypeProto;
import org.ge4j.parser.onnx.proto.ValueInfoProto;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ge4j train-aot DIR} (hidden): the training run behind {@code scripts/train-aot-cache.sh}. Writes two
 * small built-in ONNX models into DIR (a residual CNN and a transformer block: the ops of the benchmark
 * suite), then runs the CLI on them in this JVM the way users do — compile to {@code .om}, run the
 * {@code .om} (warm-up included), run the {@code .onnx}, inspect — so that a JVM started with
 * {@code -XX:AOTCacheOutput} records the classes, linked call sites and method profiles of those paths.
 */
@Command(name = "train-aot", hidden = true, mixinStandardHelpOptions = true,
        description = "Training run for the JDK's AOT cache (see scripts/train-aot-cache.sh): compile and run built-in models.")
public final class AotTrainingCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Scratch directory for the models.")
    Path dir;

    @Override public Integer call() throws IOException {
        Files.createDirectories(dir);
        Path cnn = write(dir.resolve("train_cnn.onnx"), cnn());
        Path transformer = write(dir.resolve("train_transformer.onnx"), transformer());
        PrintWriter out = spec.commandLine().getOut();
        for (Path onnx : List.of(cnn, transformer)) {
            String om = onnx.toString().replace(".onnx", ".om");
            cli("compile", "--model=" + onnx, "--output=" + om);
            out.println("train-aot: " + onnx.getFileName() + " -> .om, " + lastLine(cli("run", om, "--warmup=blocking")));
            cli("run", om);
            out.println("train-aot: " + onnx.getFileName() + ", " + lastLine(cli("run", onnx.toString(), "--warmup=off")));
            cli("inspect", om);
        }
        out.flush();
        return 0;
    }

    /** Runs a ge4j command in this JVM; returns what it printed; fails when it fails. */
    private static String cli(String... args) {
        StringWriter sink = new StringWriter();
        CommandLine cl = Main.commandLine();
        PrintWriter w = new PrintWriter(sink);
        cl.setOut(w);
        cl.setErr(w);
        int code = cl.execute(args);
        w.flush();
        if (code != 0) throw new IllegalStateException("train-aot: 'ge4j " + String.join(" ", args) + "' failed: " + sink);
        return sink.toString();
    }

    private static String lastLine(String s) {
        String[] l = s.strip().split("\\R");
        return l[l.length - 1];
    }

    private static Path write(Path f, ModelProto m) {
        try {
            return Files.write(f, m.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- the models

    /** x[1,3,32,32] -> conv3x3+BN+relu -> maxpool -> residual block (conv3x3, conv1x1, add, relu) -> stride-2 conv -> depthwise conv -> GAP -> gemm. */
    static ModelProto cnn() {
        Onnx o = new Onnx("train_cnn");
        o.input("x", 1, 3, 32, 32);
        o.conv("x", "c1", 16, 3, 3, 1, 1, 1);
        o.node("BatchNormalization", List.of("c1", o.weight("bn_s", 16), o.weight("bn_b", 16), o.weight("bn_m", 16), o.positive("bn_v", 16)), "bn");
        o.node("Relu", List.of("bn"), "r1");
        o.node("MaxPool", List.of("r1"), "p1", Onnx.ints("kernel_shape", 2, 2), Onnx.ints("strides", 2, 2));
        o.conv("p1", "c2", 16, 16, 3, 1, 1, 1);
        o.node("Relu", List.of("c2"), "r2");
        o.conv("r2", "c3", 16, 16, 1, 1, 0, 1);
        o.node("Add", List.of("c3", "p1"), "res");
        o.node("Relu", List.of("res"), "r3");
        o.conv("r3", "c4", 24, 16, 3, 2, 1, 1);
        o.node("Clip", List.of("c4", o.scalar("lo", 0f), o.scalar("hi", 6f)), "r4");
        o.conv("r4", "c5", 24, 24, 3, 1, 1, 24);
        o.node("Relu", List.of("c5"), "r5");
        o.node("GlobalAveragePool", List.of("r5"), "gap");
        o.node("Flatten", List.of("gap"), "flat", Onnx.ints("axis", 1));
        o.node("Gemm", List.of("flat", o.weight("fc_w", 10, 24), o.weight("fc_b", 10)), "logits", Onnx.ints("transB", 1));
        o.node("Softmax", List.of("logits"), "y", Onnx.ints("axis", -1));
        o.output("y");
        return o.model(17);
    }

    /** ids[1,16] -> embedding gather -> layer norm -> self-attention (4 heads) -> residual -> layer norm -> GELU MLP -> residual. */
    static ModelProto transformer() {
        Onnx o = new Onnx("train_transformer");
        int s = 16, h = 64, heads = 4, d = h / heads;
        o.inputOf("ids", 7, 1, s);
        o.node("Gather", List.of(o.weight("emb", 100, h), "ids"), "x0", Onnx.ints("axis", 0));
        o.node("LayerNormalization", List.of("x0", o.weight("ln1_s", h), o.weight("ln1_b", h)), "x1", Onnx.ints("axis", -1));
        for (String p : List.of("q", "k", "v")) {
            o.node("MatMul", List.of("x1", o.weight(p + "_w", h, h)), p + "_m");
            o.node("Add", List.of(p + "_m", o.weight(p + "_b", h)), p + "_a");
            o.node("Reshape", List.of(p + "_a", o.shape(p + "_shape", 1, s, heads, d)), p + "_r");
            o.node("Transpose", List.of(p + "_r"), p + "_t", Onnx.ints("perm", 0, 2, p.equals("k") ? 3 : 1, p.equals("k") ? 1 : 3));
        }
        o.node("MatMul", List.of("q_t", "k_t"), "qk");
        o.node("Div", List.of("qk", o.scalar("sqrt_d", (float) Math.sqrt(d))), "qk_s");
        o.node("Softmax", List.of("qk_s"), "attn", Onnx.ints("axis", -1));
        o.node("MatMul", List.of("attn", "v_t"), "ctx");
        o.node("Transpose", List.of("ctx"), "ctx_t", Onnx.ints("perm", 0, 2, 1, 3));
        o.node("Reshape", List.of("ctx_t", o.shape("ctx_shape", 1, s, h)), "ctx_r");
        o.node("MatMul", List.of("ctx_r", o.weight("o_w", h, h)), "o_m");
        o.node("Add", List.of("o_m", o.weight("o_b", h)), "o_a");
        o.node("Add", List.of("o_a", "x0"), "x2");
        o.node("LayerNormalization", List.of("x2", o.weight("ln2_s", h), o.weight("ln2_b", h)), "x3", Onnx.ints("axis", -1));
        o.node("MatMul", List.of("x3", o.weight("f1_w", h, 4 * h)), "f1_m");
        o.node("Add", List.of("f1_m", o.weight("f1_b", 4 * h)), "f1");
        // GELU as ONNX exports it: x * 0.5 * (1 + erf(x / sqrt(2)))
        o.node("Div", List.of("f1", o.scalar("sqrt2", (float) Math.sqrt(2))), "g_d");
        o.node("Erf", List.of("g_d"), "g_e");
        o.node("Add", List.of("g_e", o.scalar("one", 1f)), "g_a");
        o.node("Mul", List.of("f1", "g_a"), "g_m");
        o.node("Mul", List.of("g_m", o.scalar("half", 0.5f)), "g");
        o.node("MatMul", List.of("g", o.weight("f2_w", 4 * h, h)), "f2_m");
        o.node("Add", List.of("f2_m", o.weight("f2_b", h)), "f2");
        o.node("Add", List.of("f2", "x2"), "y");
        o.output("y");
        return o.model(17);
    }

    /** A small ONNX graph writer: seeded random weights, float tensors by default. */
    private static final class Onnx {
        private final GraphProto.Builder g;
        private final SplittableRandom random = new SplittableRandom(17);

        Onnx(String name) { g = GraphProto.newBuilder().setName(name); }

        void input(String name, long... shape) { inputOf(name, 1, shape); }

        void inputOf(String name, int elemType, long... shape) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            for (long d : shape) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            g.addInput(ValueInfoProto.newBuilder().setName(name)
                    .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))));
        }

        void output(String name) {
            g.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))));
        }

        String weight(String name, long... shape) { return floats(name, shape, false); }

        String positive(String name, long... shape) { return floats(name, shape, true); }

        private String floats(String name, long[] shape, boolean positive) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1);
            long n = 1;
            for (long d : shape) {
                t.addDims(d);
                n *= d;
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) n * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < n; i++) b.putFloat((float) (positive ? 0.5 + random.nextDouble() : random.nextDouble() - 0.5));
            g.addInitializer(t.setRawData(ByteString.copyFrom(b.array())));
            return name;
        }

        String scalar(String name, float v) {
            g.addInitializer(TensorProto.newBuilder().setName(name).setDataType(1).addFloatData(v));
            return name;
        }

        String shape(String name, long... dims) {
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7).addDims(dims.length);
            for (long d : dims) t.addInt64Data(d);
            g.addInitializer(t);
            return name;
        }

        void conv(String x, String y, int out, int in, int k, int stride, int pad, int group) {
            node("Conv", List.of(x, weight(y + "_w", out, in / group, k, k), weight(y + "_b", out)), y,
                    ints("kernel_shape", k, k), ints("strides", stride, stride), ints("pads", pad, pad, pad, pad), ints("group", group));
        }

        void node(String type, List<String> inputs, String output, AttributeProto... attrs) {
            NodeProto.Builder n = NodeProto.newBuilder().setOpType(type).setName(output).addAllInput(inputs).addOutput(output);
            for (AttributeProto a : attrs) n.addAttribute(a);
            g.addNode(n);
        }

        static AttributeProto ints(String name, long... v) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
            if (v.length == 1 && !name.equals("kernel_shape") && !name.equals("strides") && !name.equals("pads") && !name.equals("perm"))
                return a.setType(AttributeProto.AttributeType.INT).setI(v[0]).build();
            a.setType(AttributeProto.AttributeType.INTS);
            for (long x : v) a.addInts(x);
            return a.build();
        }

        ModelProto model(int opset) {
            return ModelProto.newBuilder().setIrVersion(8).setProducerName("ge4j-train-aot")
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(g).build();
        }
    }
}
