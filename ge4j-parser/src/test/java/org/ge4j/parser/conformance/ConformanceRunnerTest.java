package org.ge4j.parser.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.ge4j.parser.onnx.OnnxTensors;
import org.ge4j.parser.onnx.proto.AttributeProto;
import org.ge4j.parser.onnx.proto.GraphProto;
import org.ge4j.parser.onnx.proto.ModelProto;
import org.ge4j.parser.onnx.proto.NodeProto;
import org.ge4j.parser.onnx.proto.OperatorSetIdProto;
import org.ge4j.parser.onnx.proto.TensorShapeProto;
import org.ge4j.parser.onnx.proto.TypeProto;
import org.ge4j.parser.onnx.proto.ValueInfoProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner on a small test-data tree written here, using the test op library's acme.ge4j ops. */
class ConformanceRunnerTest {
    @TempDir Path data;

    private static ValueInfoProto f32(String name, long n) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(DataType.FLOAT.onnxCode()).setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(n))))).build();
    }

    /** A test dir whose model applies acme.ge4j::{@code op} (factor 2 for ScaleAdd) to X[3]; one data set. */
    private void write(String suite, String test, String domain, String op, float[] in, float[] out) throws IOException {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setDomain(domain).setName("n").addInput("X").addOutput("Y");
        if (op.equals("ScaleAdd")) n.addAttribute(AttributeProto.newBuilder().setName("factor").setType(AttributeProto.AttributeType.FLOAT).setF(2f));
        GraphProto g = GraphProto.newBuilder().setName(test).addNode(n).addInput(f32("X", 3)).addOutput(f32("Y", 3)).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(1)).build();
        Path dir = data.resolve(suite).resolve(test);
        Files.createDirectories(dir.resolve("test_data_set_0"));
        Files.write(dir.resolve("model.onnx"), m.toByteArray());
        Files.write(dir.resolve("test_data_set_0/input_0.pb"), OnnxTensors.toProto(Tensor.of(in), "X").toByteArray());
        Files.write(dir.resolve("test_data_set_0/output_0.pb"), OnnxTensors.toProto(Tensor.of(out), "Y").toByteArray());
    }

    @Test void statusesReasonsSummaryAndTsv() throws IOException {
        float[] x = {1, 2, 3};
        write("node", "test_pass", "acme.ge4j", "ScaleAdd", x, new float[] {2, 4, 6});
        write("node", "test_fail", "acme.ge4j", "ScaleAdd", x, new float[] {2, 4, 7});
        write("node", "test_unknown", "com.nobody", "Nothing", x, x);
        write("node", "test_hang", "acme.ge4j", "Hang", x, x);
        write("other", "test_boom", "acme.ge4j", "Boom", x, x);
        Files.write(data.resolve("node/test_pass/garbage.txt"), new byte[] {1});
        Files.createDirectories(data.resolve("node/not_a_test"));

        ConformanceRunner.Options o = ConformanceRunner.Options.defaults(data).withSuites(List.of("node", "other")).withTimeout(Duration.ofSeconds(2)).withJobs(2);
        ConformanceReport r = new ConformanceRunner(o).run(null);
        assertThat(r.results()).extracting(t -> t.test().id())
                .containsExactly("node/test_fail", "node/test_hang", "node/test_pass", "node/test_unknown", "other/test_boom");
        assertThat(r.results()).extracting(TestResult::status)
                .containsExactly(TestStatus.FAIL, TestStatus.ERROR, TestStatus.PASS, TestStatus.ERROR, TestStatus.ERROR);
        assertThat(r.results().get(0).reason()).startsWith("output 0 'Y' (test_data_set_0): 1 of 3 values differ").contains("expected 7.0, got 6.0");
        assertThat(r.results().get(1).reason()).isEqualTo("timeout after 2 s");
        assertThat(r.results().get(3).reason()).contains("unknown op 'Nothing'").contains("com.nobody");
        assertThat(r.results().get(4).reason()).isEqualTo("OutOfMemoryError: simulated");
        assertThat(r.results().get(2).ops()).containsExactly("acme.ge4j::ScaleAdd");
        assertThat(r.summaryLine()).isEqualTo("conformance: passed 1 of 5");
        assertThat(r.bySuite().get("node")).containsExactly(1, 4);
        assertThat(r.failuresByOp()).containsOnlyKeys("acme.ge4j::Boom", "acme.ge4j::Hang", "acme.ge4j::ScaleAdd", "com.nobody::Nothing");
        assertThat(r.failuresByOp().get("acme.ge4j::ScaleAdd")).containsExactly(1, 2);

        Path tsv = data.resolve("out/report.tsv");
        r.writeTsv(tsv);
        List<String> lines = Files.readAllLines(tsv);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo("suite\ttest\tstatus\treason");
        assertThat(lines.get(3)).isEqualTo("node\ttest_pass\tPASS\t");
        assertThat(lines.get(2)).isEqualTo("node\ttest_hang\tERROR\ttimeout after 2 s");
    }

    @Test void filterAndMissingSuite() throws IOException {
        write("node", "test_pass", "acme.ge4j", "ScaleAdd", new float[] {1, 1, 1}, new float[] {2, 2, 2});
        write("node", "test_other", "acme.ge4j", "ScaleAdd", new float[] {1, 1, 1}, new float[] {2, 2, 2});
        ConformanceRunner.Options o = ConformanceRunner.Options.defaults(data).withSuites(List.of("node")).withFilter(Pattern.compile("pass$"));
        assertThat(new ConformanceRunner(o).discover()).extracting(TestCase::name).containsExactly("test_pass");
        ConformanceRunner.Options bad = ConformanceRunner.Options.defaults(data).withSuites(List.of("nope"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConformanceRunner(bad).discover()).hasMessageContaining("no suite 'nope'");
    }

    @Test void bfloat16DataStoredAsUint16IsReinterpreted() {
        Tensor bits = Tensor.fromLongs(DataType.UINT16, new long[] {2}, new long[] {0x3F80, 0xC000});
        Tensor t = (Tensor) ConformanceRunner.asDeclared(bits, org.ge4j.ir.TensorDesc.of(DataType.BFLOAT16, 2));
        assertThat(t.dtype()).isEqualTo(DataType.BFLOAT16);
        assertThat(t.toDoubleArray()).containsExactly(1.0, -2.0);
    }

    @Test void inferredOutputDescsAreCheckedAgainstComputedTensors() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(ConformanceRunner.checkInferred(org.ge4j.ir.TensorDesc.of(DataType.FLOAT, org.ge4j.ir.Shape.of("N", 3L)), t)).isNull();
        assertThat(ConformanceRunner.checkInferred(org.ge4j.ir.TensorDesc.UNKNOWN, t)).isNull();
        assertThat(ConformanceRunner.checkInferred(org.ge4j.ir.TensorDesc.of(DataType.FLOAT, 3, 2), t)).isEqualTo("inferred shape [3,2] but computed [2,3]");
        assertThat(ConformanceRunner.checkInferred(org.ge4j.ir.TensorDesc.of(DataType.FLOAT, 6), t)).isEqualTo("inferred shape [6] but computed [2,3]");
        assertThat(ConformanceRunner.checkInferred(org.ge4j.ir.TensorDesc.of(DataType.DOUBLE, 2, 3), t)).isEqualTo("inferred type f64[2,3] but computed FLOAT");
    }
}
