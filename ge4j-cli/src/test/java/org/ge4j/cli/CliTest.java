package org.ge4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.ge4j.cli.io.TensorFiles;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.parser.onnx.OnnxParser;
import org.ge4j.parser.onnx.proto.GraphProto;
import org.ge4j.parser.onnx.proto.ModelProto;
import org.ge4j.parser.onnx.proto.NodeProto;
import org.ge4j.parser.onnx.proto.OperatorSetIdProto;
import org.ge4j.parser.onnx.proto.TensorProto;
import org.ge4j.parser.onnx.proto.TensorShapeProto;
import org.ge4j.parser.onnx.proto.TypeProto;
import org.ge4j.parser.onnx.proto.ValueInfoProto;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI commands run in-process through picocli: exit codes, what they print, the files they write. */
class CliTest {
    @TempDir Path dir;
    Path onnx;

    /** Result of one command. */
    record Run(int code, String out, String err) {}

    static Run ge4j(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeEach
    void writeModel() throws IOException {
        onnx = dir.resolve("mlp.onnx");
        Files.write(onnx, mlp().toByteArray());
    }

    /** x[N,4] -> MatMul W[4,3] -> Add b[3] -> Relu -> Softmax -> y, opset 13. */
    static ModelProto mlp() {
        SplittableRandom r = new SplittableRandom(5);
        TensorProto.Builder w = TensorProto.newBuilder().setName("W").setDataType(1).addDims(4).addDims(3);
        for (int i = 0; i < 12; i++) w.addFloatData((float) (r.nextDouble() * 2 - 1));
        TensorProto b = TensorProto.newBuilder().setName("b").setDataType(1).addDims(3).addFloatData(0.1f).addFloatData(-0.2f).addFloatData(0.3f).build();
        GraphProto g = GraphProto.newBuilder().setName("mlp")
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("mm").addInput("x").addInput("W").addOutput("h"))
                .addNode(NodeProto.newBuilder().setOpType("Add").setName("add").addInput("h").addInput("b").addOutput("hb"))
                .addNode(NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("hb").addOutput("r"))
                .addNode(NodeProto.newBuilder().setOpType("Softmax").setName("sm").addInput("r").addOutput("y"))
                .addInitializer(w).addInitializer(b)
                .addInput(value("x", "N", 4)).addOutput(value("y", "N", 3)).build();
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
    }

    static ValueInfoProto value(String name, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) s.addDim(d instanceof String p ? TensorShapeProto.Dimension.newBuilder().setDimParam(p) : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

    @Test
    void compileAppendsDotOmAndRunInspectReadIt() throws IOException {
        Run c = ge4j("compile", "--model=" + onnx, "--framework=5", "--output=" + dir.resolve("mlp"), "--input_shape=x:2,4", "--log=error");
        assertThat(c.code()).as(c.err()).isZero();
        Path om = dir.resolve("mlp.om");
        assertThat(om).exists();
        assertThat(c.out()).contains("compiled " + onnx + " -> " + om).contains("static").contains("gear 0 [2,4]");
        assertThat(c.err()).isEmpty();

        Run r = ge4j("run", om.toString(), "--seed=3", "--output-dir=" + dir.resolve("out"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("input  x: f32[2,4] min").contains("output y: f32[2,3] min").contains("mean 0.333333");
        Path pb = dir.resolve("out").resolve("y.pb");
        assertThat(r.out()).contains("wrote " + pb);
        try (Tensor y = TensorFiles.read(pb)) {
            assertThat(y.shape()).containsExactly(2, 3);
            float[] v = y.toFloatArray();
            assertThat(v[0] + v[1] + v[2]).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f)); // softmax rows
        }

        Run i = ge4j("inspect", om.toString());
        assertThat(i.code()).as(i.err()).isZero();
        assertThat(i.out()).contains(".om format version 2").contains("inputs:\n  x: f32[2,4]").contains("outputs:\n  y: f32[2,3]")
                .contains("memory plan:").contains("lower bound").contains("streams: 1").contains("weights: 2 constants");
        Run j = ge4j("inspect", om.toString(), "--json", "--html=" + dir.resolve("mlp.html"));
        assertThat(j.code()).as(j.err()).isZero();
        assertThat(j.out()).startsWith("{").contains("\"mode\": \"static\"").contains("\"planned_bytes\":").contains("\"lower_bound_bytes\":");
        String html = Files.readString(dir.resolve("mlp.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("Memory timeline").contains("lower bound").doesNotContain("<script src");
    }

    /**
     * x[128,64] -> two branches of 16 MatMul W[64,64] -> Tanh / Sigmoid each -> Add -> y, opset 13: enough work for two
     * streams, in tasks too small for the kernels to split them over the threads themselves.
     */
    static ModelProto forkJoin() {
        SplittableRandom r = new SplittableRandom(9);
        GraphProto.Builder g = GraphProto.newBuilder().setName("fork_join");
        String[] last = {"x", "x"};
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 16; i++) {
                String w = "W" + b + "_" + i, h = "h" + b + "_" + i, a = "a" + b + "_" + i;
                TensorProto.Builder t = TensorProto.newBuilder().setName(w).setDataType(1).addDims(64).addDims(64);
                for (int k = 0; k < 64 * 64; k++) t.addFloatData((float) (r.nextDouble() * 0.25 - 0.125));
                g.addInitializer(t);
                g.addNode(NodeProto.newBuilder().setOpType("MatMul").setName("mm" + b + "_" + i).addInput(last[b]).addInput(w).addOutput(h))
                        .addNode(NodeProto.newBuilder().setOpType(b == 0 ? "Tanh" : "Sigmoid").setName("act" + b + "_" + i).addInput(h).addOutput(a));
                last[b] = a;
            }
        g.addNode(NodeProto.newBuilder().setOpType("Add").setName("add").addInput(last[0]).addInput(last[1]).addOutput("y"))
                .addInput(value("x", 128, 64)).addOutput(value("y", 128, 64));
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
    }

    @Test
    void compileplansStreamsAndInspectShowsThem() throws IOException {
        Path model = dir.resolve("fork_join.onnx");
        Files.write(model, forkJoin().toByteArray());
        Run c = ge4j("compile", "--model=" + model, "--output=" + dir.resolve("two"), "--streams=2", "--log=error");
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("2 streams (tasks ").contains("1 event, 1 wait: estimated");
        Run i = ge4j("inspect", dir.resolve("two.om").toString());
        assertThat(i.code()).as(i.err()).isZero();
        assertThat(i.out()).contains("streams: 2 (streams=2,min_work_ns=").contains("  [128,64]").contains("2 streams (tasks ");
        Run j = ge4j("inspect", dir.resolve("two.om").toString(), "--json");
        assertThat(j.out()).contains("\"streams\": 2").contains("\"events\": 1").contains("\"tasks_per_stream\": [");
        Run r = ge4j("run", dir.resolve("two.om").toString(), "--seed=1");
        assertThat(r.code()).as(r.err()).isZero();

        for (String off : new String[] {"--optimization_switch=streams:off", "--streams=1"}) {
            Run o = ge4j("compile", "--model=" + model, "--output=" + dir.resolve("one"), off, "--log=error");
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(o.out()).as(off).contains("1 stream: single stream asked for");
            assertThat(ge4j("inspect", dir.resolve("one.om").toString()).out()).as(off).contains("streams: 1 (streams=1,");
        }
        Run bad = ge4j("compile", "--model=" + model, "--output=" + dir.resolve("bad"), "--streams=0", "--log=error");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("stream count must be >= 1, got 0");
    }

    @Test
    void runUsesInputFilesAndMatchesTheReference() throws IOException {
        float[] x = {1, 2, 3, 4, -1, 0.5f, 0, 2};
        Path npy = dir.resolve("x.npy");
        Files.write(npy, npy("<f4", "(2, 4)", floatBytes(x)));
        Run r = ge4j("run", onnx.toString(), "--input", "x=" + npy, "--output-dir=" + dir);
        assertThat(r.code()).as(r.err()).isZero();
        org.ge4j.ir.Graph g = new OnnxParser().parse(onnx);
        try (Tensor in = Tensor.of(x, 2, 4); Tensor got = TensorFiles.read(dir.resolve("y.pb"))) {
            Map<String, Value> ref = new ReferenceInterpreter().run(g, Map.of("x", in));
            assertThat(got.toFloatArray()).usingComparatorWithPrecision(1e-5f).containsExactly(((Tensor) ref.get("y")).toFloatArray());
            ref.values().forEach(Value::close);
        }
        // an ONNX TensorProto .pb input gives the same outputs
        Path pb = dir.resolve("x.pb");
        try (Tensor in = Tensor.of(x, 2, 4)) {
            TensorFiles.writePb(in, "x", pb);
        }
        Run again = ge4j("run", onnx.toString(), "--input", "x=" + pb, "--output-dir=" + dir.resolve("again"));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(again.out()).contains("input  x: f32[2,4] min -1 max 4");
        try (Tensor a = TensorFiles.read(dir.resolve("y.pb")); Tensor b = TensorFiles.read(dir.resolve("again").resolve("y.pb"))) {
            assertThat(b.contentEquals(a)).isTrue();
        }
    }

    @Test
    void compareReportsPerOutputAndPerNode() {
        Run c = ge4j("compare", onnx.toString(), "--input-shape=x:3,4");
        assertThat(c.code()).as(c.out() + c.err()).isZero();
        assertThat(c.out()).contains("y ").contains("f32[3,3]").contains("ok").contains("compare: all 1 outputs within tolerance");
        Run p = ge4j("compare", onnx.toString(), "--per-node", "--oo_level=O1");
        assertThat(p.code()).as(p.out() + p.err()).isZero();
        assertThat(p.out()).containsPattern("per-node: all [1-9]\\d* intermediate values shared by both graphs agree");
    }

    @Test
    void gearsThroughTheCli() {
        Path om = dir.resolve("g.om");
        Run c = ge4j("compile", "--model", onnx.toString(), "--output", om.toString(), "--input_shape", "x:-1,4", "--dynamic_batch_size", "1,2,4", "--log", "error");
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.out()).contains("gears").contains("gear 2 [4,4]");
        Run i = ge4j("inspect", om.toString());
        assertThat(i.out()).contains("mode gears (batch gears)").contains("[1,4]").contains("[2,4]").contains("[4,4]");
        assertThat(ge4j("run", om.toString(), "--input-shape", "x:4,4").code()).isZero();
        Run bad = ge4j("run", om.toString(), "--input-shape", "x:3,4");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("ge4j: model 'mlp': input shapes [3,4] match none of the model's gears: [1,4] | [2,4] | [4,4]\n");
    }

    @Test
    void errorsAreOneLineWithExitCodeOne() throws IOException {
        Run missing = ge4j("compile", "--model=" + dir.resolve("nope.onnx"), "--output=" + dir.resolve("x.om"));
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("ge4j: " + dir.resolve("nope.onnx") + ": no such file\n");
        Run framework = ge4j("compile", "--model=" + onnx, "--framework=0", "--output=" + dir.resolve("x.om"));
        assertThat(framework.err()).isEqualTo("ge4j: --framework 0 is not supported: ge4j compiles ONNX models (--framework=5)\n");
        Run level = ge4j("compile", "--model=" + onnx, "--output=" + dir.resolve("x.om"), "--oo_level=O7");
        assertThat(level.code()).isEqualTo(1);
        assertThat(level.err()).isEqualTo("ge4j: unknown optimisation level 'O7' (expected O0, O1, O2 or O3)\n");
        Run sw = ge4j("compile", "--model=" + onnx, "--output=" + dir.resolve("x.om"), "--optimization_switch=nosuchpass:off", "--log=error");
        assertThat(sw.code()).isEqualTo(1);
        assertThat(sw.err()).startsWith("ge4j: optimization switch names unknown pass or pattern 'nosuchpass'").doesNotContain("\tat ");
        Path corrupt = dir.resolve("corrupt.om");
        Files.write(corrupt, "GE4J-OM but not really a model file at all, just some bytes to fill the header".getBytes(StandardCharsets.UTF_8));
        Run run = ge4j("run", corrupt.toString());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("ge4j: " + corrupt + ": not a ge4j .om file (bad magic number)\n");
        Run unknown = ge4j("run", onnx.toString(), "--frobnicate");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("ge4j run: Unknown option: '--frobnicate'").hasLineCount(1);
        Run badInput = ge4j("run", onnx.toString(), "--input", "z=" + dir.resolve("a.npy"));
        assertThat(badInput.err()).isEqualTo("ge4j: --input names 'z', which is not an input of the model (inputs: [x])\n");
        Run noOm = ge4j("inspect", onnx.toString());
        assertThat(noOm.err()).isEqualTo("ge4j: " + onnx + ": not a ge4j .om file (bad magic number)\n");
    }

    // ---------------------------------------------------------------- .npy helpers

    static byte[] floatBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) b.putFloat(f);
        return b.array();
    }

    /** A version-1 .npy file. */
    static byte[] npy(String descr, String shape, byte[] data) {
        String h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = 10 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        h = h + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + h.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length()).put(h.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }
}
