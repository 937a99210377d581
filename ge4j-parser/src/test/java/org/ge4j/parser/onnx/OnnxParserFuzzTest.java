package org.ge4j.parser.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Value;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.parser.conformance.ConformanceRunner;
import org.ge4j.parser.onnx.proto.AttributeProto;
import org.ge4j.parser.onnx.proto.GraphProto;
import org.ge4j.parser.onnx.proto.ModelProto;
import org.ge4j.parser.onnx.proto.NodeProto;
import org.ge4j.parser.onnx.proto.TensorProto;
import org.ge4j.parser.onnx.proto.ValueInfoProto;
import org.junit.jupiter.api.Test;

/**
 * Robustness: small conformance models mutated with a fixed seed (flipped bytes, truncation, fields
 * cleared or changed and re-serialised) must either parse and run, or fail with a {@link Ge4jException};
 * never another exception, and never hang. Skipped when the conformance data is not installed.
 */
class OnnxParserFuzzTest {
    private static final long SEED = Long.getLong("ge4j.fuzz.seed", 0x6e4a_2024L);
    private static final int CASES = 300;
    private static final int MODELS = 40;
    private static final long CASE_TIMEOUT_MS = 10_000;

    private record Sample(Path dir, byte[] model, List<byte[]> inputs) {}

    @Test void mutatedModelsParseAndRunOrFailCleanly() throws Exception {
        Path data = ConformanceRunner.locateData();
        assumeTrue(data != null, "ONNX test data not installed");
        List<Sample> samples = samples(data);
        assertThat(samples).hasSizeGreaterThan(10);
        long t0 = System.nanoTime();
        Random rnd = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int parsed = 0, ran = 0;
        for (int c = 0; c < CASES; c++) {
            Sample s = samples.get(c % samples.size());
            String[] how = new String[1];
            byte[] mutated = mutate(s.model, rnd, how);
            int[] outcome = new int[1];
            AtomicBoolean running = new AtomicBoolean();
            FutureTask<Void> task = new FutureTask<>(() -> {
                outcome[0] = check(s, mutated, running);
                return null;
            });
            Thread t = new Thread(null, task, "fuzz-" + c, 256L << 20);
            t.setDaemon(true);
            t.start();
            String id = "case " + c + " (" + s.dir.getFileName() + ", " + how[0] + ")";
            try {
                task.get(CASE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                if (outcome[0] >= 1) parsed++;
                if (outcome[0] >= 2) ran++;
            } catch (TimeoutException e) {
                task.cancel(true);
                t.join(10_000);
                // a mutated model may legitimately run forever (a Loop that lost its trip count); parsing may not
                if (!running.get()) failures.add(id + ": parsing took more than " + CASE_TIMEOUT_MS / 1000 + " s");
                else if (t.isAlive()) failures.add(id + ": the run did not stop when interrupted");
                else parsed++;
            } catch (ExecutionException e) {
                Throwable x = e.getCause();
                StackTraceElement[] st = x.getStackTrace();
                failures.add(id + ": " + x + (st.length > 0 ? " at " + st[0] : ""));
            }
        }
        System.out.printf("fuzz: %.1f s, ", (System.nanoTime() - t0) / 1e9);
        System.out.println(CASES + " cases, " + parsed + " parsed, " + ran + " ran to the end, " + failures.size() + " failures");
        assertThat(failures).isEmpty();
    }

    /** 0: rejected cleanly, 1: parsed but failed cleanly when run, 2: parsed and ran. Throws anything else. */
    private static int check(Sample s, byte[] model, AtomicBoolean running) {
        Graph g;
        try {
            g = new OnnxParser().parse(model, s.dir + "/mutated.onnx", s.dir);
        } catch (OnnxParseException e) {
            if (e.getMessage().contains("internal error")) throw e;
            return 0;
        }
        if (g.inputs().size() != s.inputs.size()) return 1;
        List<Value> in = new ArrayList<>();
        OnnxTensors reader = new OnnxTensors("input", null);
        try {
            for (int i = 0; i < s.inputs.size(); i++) in.add(reader.readValue(s.inputs.get(i), g.inputs().get(i).desc(), "input " + i));
            running.set(true);
            List<Value> out = new ReferenceInterpreter(OpRegistry.global()).runGraph(g, in, null);
            out.forEach(v -> { if (v != null) v.close(); });
            return 2;
        } catch (Ge4jException e) {
            return 1;
        } finally {
            in.forEach(Value::close);
        }
    }

    /** Small models of the node and pytorch suites, a fixed pseudo-random choice. */
    private static List<Sample> samples(Path data) throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (String suite : List.of("node", "pytorch-converted", "pytorch-operator", "simple")) {
            Path d = data.resolve(suite);
            if (!Files.isDirectory(d)) continue;
            try (Stream<Path> s = Files.list(d)) {
                for (Path t : s.sorted().toList()) {
                    Path m = t.resolve("model.onnx");
                    if (Files.isRegularFile(m) && Files.size(m) < 3000) dirs.add(t);
                }
            }
        }
        Collections.shuffle(dirs, new Random(SEED));
        // make sure models with subgraphs and initializers are among them
        for (String must : List.of("node/test_if", "node/test_loop11", "node/test_scan_sum", "pytorch-converted/test_Linear_no_bias"))
            if (Files.isDirectory(data.resolve(must)) && Files.size(data.resolve(must).resolve("model.onnx")) < 3000) dirs.add(0, data.resolve(must));
        List<Sample> l = new ArrayList<>();
        for (Path t : dirs.subList(0, Math.min(MODELS, dirs.size()))) {
            List<byte[]> ins = new ArrayList<>();
            Path set = t.resolve("test_data_set_0");
            for (int i = 0; Files.isRegularFile(set.resolve("input_" + i + ".pb")); i++) ins.add(Files.readAllBytes(set.resolve("input_" + i + ".pb")));
            l.add(new Sample(t, Files.readAllBytes(t.resolve("model.onnx")), ins));
        }
        return l;
    }

    // ---------------------------------------------------------------- mutations

    private static byte[] mutate(byte[] model, Random rnd, String[] how) {
        int kind = rnd.nextInt(10);
        if (kind < 3) {
            byte[] b = model.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int i = 0; i < flips; i++) b[rnd.nextInt(b.length)] ^= (byte) (1 + rnd.nextInt(255));
            how[0] = "flip " + flips + " bytes";
            return b;
        }
        if (kind == 3) {
            int n = rnd.nextInt(model.length);
            how[0] = "truncate to " + n + " bytes";
            return java.util.Arrays.copyOf(model, n);
        }
        ModelProto m;
        try {
            m = ModelProto.parseFrom(model);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException(e);
        }
        ModelProto.Builder mb = m.toBuilder();
        GraphProto.Builder gb = mb.getGraphBuilder();
        // sometimes mutate a subgraph instead of the main graph
        GraphProto.Builder target = gb;
        for (NodeProto.Builder nb : gb.getNodeBuilderList())
            for (AttributeProto.Builder ab : nb.getAttributeBuilderList())
                if (ab.hasG() && rnd.nextBoolean()) target = ab.getGBuilder();
        how[0] = fieldMutation(mb, target, rnd);
        return mb.build().toByteArray();
    }

    private static String fieldMutation(ModelProto.Builder mb, GraphProto.Builder g, Random rnd) {
        int nodes = g.getNodeCount();
        switch (rnd.nextInt(14)) {
            case 0: mb.clearOpsetImport(); return "clear opset_import";
            case 1: mb.setIrVersion(rnd.nextInt(12)); return "ir_version " + mb.getIrVersion();
            case 2:
                if (nodes == 0) break;
                g.removeNode(rnd.nextInt(nodes));
                return "remove a node";
            case 3:
                if (nodes == 0) break;
                { NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(nodes)); n.clearInput(); return "clear inputs of " + n.getOpType(); }
            case 4:
                if (nodes == 0) break;
                { NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(nodes)); n.clearOutput(); return "clear outputs of " + n.getOpType(); }
            case 5:
                if (nodes == 0) break;
                { NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(nodes)); n.clearAttribute(); return "clear attributes of " + n.getOpType(); }
            case 6:
                if (nodes == 0) break;
                { NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(nodes));
                  if (n.getAttributeCount() == 0) break;
                  AttributeProto.Builder a = n.getAttributeBuilder(rnd.nextInt(n.getAttributeCount()));
                  AttributeProto.AttributeType t = AttributeProto.AttributeType.forNumber(rnd.nextInt(15));
                  a.setType(t);
                  return "attribute " + a.getName() + " of " + n.getOpType() + " typed " + t; }
            case 7:
                if (nodes == 0) break;
                { NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(nodes));
                  if (n.getInputCount() == 0) break;
                  int i = rnd.nextInt(n.getInputCount());
                  n.setInput(i, rnd.nextBoolean() ? "" : "undefined_" + i);
                  return "input " + i + " of " + n.getOpType() + " renamed"; }
            case 8:
                if (g.getInitializerCount() == 0) break;
                { TensorProto.Builder t = g.getInitializerBuilder(rnd.nextInt(g.getInitializerCount()));
                  switch (rnd.nextInt(4)) {
                      case 0: t.clearDims(); return "clear dims of initializer " + t.getName();
                      case 1: t.setDataType(rnd.nextInt(30)); return "data_type " + t.getDataType() + " for initializer " + t.getName();
                      case 2: t.clearRawData().clearFloatData().clearInt64Data(); return "clear data of initializer " + t.getName();
                      default: t.addDims(1 + rnd.nextInt(5)); return "extra dim for initializer " + t.getName();
                  } }
            case 9:
                if (g.getInputCount() == 0) break;
                { ValueInfoProto.Builder v = g.getInputBuilder(rnd.nextInt(g.getInputCount()));
                  if (rnd.nextBoolean()) { v.clearType(); return "clear type of input " + v.getName(); }
                  v.getTypeBuilder().getTensorTypeBuilder().setElemType(rnd.nextInt(30));
                  return "elem_type " + v.getType().getTensorType().getElemType() + " for input " + v.getName(); }
            case 10: g.clearOutput(); return "clear graph outputs";
            case 11:
                if (nodes == 0) break;
                g.addNode(g.getNode(rnd.nextInt(nodes)));
                return "duplicate a node";
            case 12:
                if (nodes < 2) break;
                { NodeProto a = g.getNode(0); g.setNode(0, g.getNode(nodes - 1)); g.setNode(nodes - 1, a); return "swap first and last node"; }
            default:
                if (nodes == 0) break;
                { NodeProto.Builder n = g.getNodeBuilder(rnd.nextInt(nodes)); n.setDomain(rnd.nextBoolean() ? "com.unknown" : ""); n.setOpType(n.getOpType() + "X");
                  return "unknown op " + n.getOpType(); }
        }
        g.clearValueInfo();
        return "clear value_info";
    }
}
