package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.runtime.TestGraphs.closeAll;
import static org.ge4j.runtime.TestGraphs.random;
import static org.ge4j.runtime.TestGraphs.smallCnn;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.ge4j.compiler.om.ModelDefinition.ExecutionMode;
import org.ge4j.compiler.om.OmFormat;
import org.ge4j.compiler.om.OmFormat.PartitionKind;
import org.ge4j.compiler.om.OmFormatException;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.text.GraphEquality;
import org.ge4j.ops.GraphInference;
import org.ge4j.runtime.om.OmFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OmFileTest {
    @TempDir Path dir;

    @Test
    void savedAndLoadedModelsGiveBitIdenticalOutputs() {
        Path file = dir.resolve("cnn.om");
        try (CompiledModel m = CompiledModel.compile(smallCnn(1)); Tensor x = random(11, 1, 3, 8, 8)) {
            long size = m.save(file);
            assertThat(file).hasSize(size);
            try (CompiledModel l = CompiledModel.load(file)) {
                assertThat(l.mode()).isEqualTo(ExecutionMode.STATIC);
                assertThat(l.inputs()).isEqualTo(m.inputs());
                assertThat(l.outputs()).isEqualTo(m.outputs());
                assertThat(GraphEquality.diff(m.graph(), l.graph())).isEmpty();
                assertSamePlan(m.gears().get(0).plan(), l.gears().get(0).plan());
                assertThat(l.metadata()).containsEntry("producer", "ge4j " + OmFormat.GE4J_VERSION).containsKeys("compile_time", "gear.0.arena_bytes");
                assertThat(l.metadata().get("gear.0.arena_bytes")).isEqualTo(Long.toString(m.gears().get(0).plan().arenaSize()));
                Map<String, Tensor> a = m.run(Map.of("x", x)), b = l.run(Map.of("x", x));
                for (String k : List.of("y", "conv")) assertThat(b.get(k).contentEquals(a.get(k))).as(k).isTrue();
                closeAll(a);
                closeAll(b);
            }
        }
    }

    @Test
    void aModelWithoutConstantsRoundTrips() {
        org.ge4j.ops.api.GraphBuilder b = org.ge4j.ops.api.GraphBuilder.create("no_weights").opset(17);
        var x = b.input("x", org.ge4j.ir.DataType.FLOAT, 2, 3);
        Path file = dir.resolve("empty-weights.om");
        try (CompiledModel m = CompiledModel.compile(b.output("y", b.relu(x)).build()); Tensor in = random(3, 2, 3)) {
            assertThat(m.definition().weights().size()).isZero();
            m.save(file);
            try (CompiledModel l = CompiledModel.load(file)) {
                Map<String, Tensor> a = m.run(Map.of("x", in)), c = l.run(Map.of("x", in));
                assertThat(c.get("y").contentEquals(a.get("y"))).isTrue();
                closeAll(a);
                closeAll(c);
            }
        }
    }

    @Test
    void loadedConstantsAreViewsOfTheMappedFile() {
        Path file = dir.resolve("cnn.om");
        try (CompiledModel m = CompiledModel.compile(smallCnn(1))) {
            m.save(file);
        }
        try (CompiledModel l = CompiledModel.load(file)) {
            long base = l.weights().address(), end = base + l.weights().byteSize();
            assertThat(l.weights().isMapped()).isTrue();
            int n = 0;
            for (var node : l.graph().nodes()) {
                if (node.outputCount() != 1) continue;
                Tensor c = GraphInference.constantValue(node.output(0));
                if (c == null) continue;
                n++;
                assertThat(c.isOwner()).isFalse();
                assertThat(c.segment().address()).isBetween(base, end - 1);
                assertThat(c.segment().address() % 64).as("alignment").isZero();
            }
            assertThat(n).isEqualTo(l.definition().weights().entries().size()).isPositive();
        }
    }

    @Test
    void theFileLayoutIsAsDocumented() throws IOException {
        Path file = dir.resolve("cnn.om");
        try (CompiledModel m = CompiledModel.compile(smallCnn(1))) {
            m.save(file);
        }
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(0, magic);
        assertThat(magic).containsExactly('G', 'E', '4', 'J', '-', 'O', 'M', 0x1A);
        assertThat(b.getInt(8)).isEqualTo(OmFormat.VERSION);
        assertThat(b.getInt(16)).isEqualTo(64);
        assertThat(b.getLong(32)).isEqualTo(Files.size(file));
        try (Arena arena = Arena.ofConfined()) {
            OmFile om = OmFile.read(file, arena);
            assertThat(om.partitions()).extracting(OmFile.Partition::kind)
                    .containsExactly(PartitionKind.MODEL_DEFINITION, PartitionKind.METADATA, PartitionKind.WEIGHTS);
            for (OmFile.Partition p : om.partitions()) {
                assertThat(p.offset() % 64).isZero();
                CRC32C c = new CRC32C();
                c.update(b.array(), (int) p.offset(), (int) p.length());
                assertThat((int) c.getValue()).isEqualTo(p.crc());
            }
            // the model definition carries the graph text with constants referring into the weights
            OmFile.Partition def = om.partitions().get(0);
            String text = new String(b.array(), (int) def.offset(), (int) def.length(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text).contains("graph small_cnn {").contains("Constant() {value = \"@weights offset=0 bytes=");
        }
    }

    @Test
    void truncatedCorruptAndOtherVersionFilesAreRejectedNamingTheFile() throws IOException {
        Path good = dir.resolve("good.om");
        try (CompiledModel m = CompiledModel.compile(smallCnn(1))) {
            m.save(good);
        }
        byte[] bytes = Files.readAllBytes(good);

        Path truncated = write("truncated.om", java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertRejected(truncated, truncated + ": truncated: " + (bytes.length - 100) + " bytes of the " + bytes.length + " the header announces");
        Path tiny = write("tiny.om", java.util.Arrays.copyOf(bytes, 20));
        assertRejected(tiny, tiny + ": truncated: 20 bytes, less than the 64-byte header");
        Path empty = write("empty.om", new byte[0]);
        assertRejected(empty, empty + ": the file is empty");

        byte[] flipped = bytes.clone();
        flipped[bytes.length - 8] ^= 0x40; // inside the weights, the last partition
        Path corrupt = write("corrupt.om", flipped);
        assertRejected(corrupt, corrupt + ": corrupt: checksum mismatch in the weights partition");

        byte[] defFlipped = bytes.clone();
        defFlipped[200] ^= 1; // inside the model definition, just after the table
        Path corruptDef = write("corrupt-def.om", defFlipped);
        assertRejected(corruptDef, corruptDef + ": corrupt: checksum mismatch in the model definition partition");

        byte[] header = bytes.clone();
        header[33] ^= 1; // file length, without fixing the header checksum
        Path badHeader = write("bad-header.om", header);
        assertRejected(badHeader, badHeader + ": corrupt: the header's checksum does not match");

        Path newer = write("newer.om", withVersion(bytes, 3));
        assertRejected(newer, newer + ": format version 3 is newer than the version 2 this ge4j " + OmFormat.GE4J_VERSION + " reads; recompile the model with this ge4j");
        Path older = write("older.om", withVersion(bytes, 0));
        assertRejected(older, older + ": format version 0 is older than the version 1");

        byte[] magic = bytes.clone();
        magic[0] = 'X';
        Path notOm = write("not.om", magic);
        assertRejected(notOm, notOm + ": not a ge4j .om file (bad magic number)");
        assertRejected(dir.resolve("missing.om"), dir.resolve("missing.om") + ": no such file");
    }

    private static byte[] withVersion(byte[] bytes, int version) {
        byte[] b = bytes.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(OmFormat.OFF_VERSION, version);
        CRC32C c = new CRC32C();
        c.update(b, 0, OmFormat.OFF_HEADER_CRC);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(OmFormat.OFF_HEADER_CRC, (int) c.getValue());
        return b;
    }

    /** A hand-made .om whose nodes break their schemas' attribute rules fails to load, naming the node and the attribute. */
    @Test
    void attributesAreCheckedAgainstTheSchemasAtLoad() {
        Path om = dir.resolve("cnn.om");
        try (CompiledModel m = CompiledModel.compile(smallCnn(1))) {
            m.save(om);
        }
        assertThat(forgedLoadError(om, "unknown.om", n -> n.setAttr("bogus", new org.ge4j.ir.Attr.Int(1))))
                .contains("unknown attribute 'bogus'");
        assertThat(forgedLoadError(om, "wrong-type.om", n -> n.setAttr("group", new org.ge4j.ir.Attr.Float(1f))))
                .contains("attribute 'group' must be int, got float");
    }

    /** Saves a copy of {@code om} with {@code forge} applied to its first conv node; returns the message of loading it. */
    private String forgedLoadError(Path om, String name, java.util.function.Consumer<org.ge4j.ir.Node> forge) {
        Path forged = dir.resolve(name);
        String conv;
        try (CompiledModel m = CompiledModel.load(om, WarmUp.OFF)) {
            org.ge4j.ir.Node n = m.graph().nodes().stream().filter(x -> x.type().endsWith("Conv")).findFirst().orElseThrow();
            conv = n.name();
            forge.accept(n);
            m.save(forged);
        }
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> CompiledModel.load(forged, WarmUp.OFF).close());
        assertThat(t).isInstanceOf(org.ge4j.ops.OpException.class);
        assertThat(t.getMessage()).contains(conv);
        return t.getMessage();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static void assertRejected(Path file, String message) {
        assertThatThrownBy(() -> CompiledModel.load(file)).isInstanceOf(OmFormatException.class).hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    static void assertSamePlan(ExecutionPlan a, ExecutionPlan b) {
        assertThat(b.values()).hasSameSizeAs(a.values());
        for (int i = 0; i < a.values().size(); i++) {
            ExecutionPlan.ValueSlot x = a.values().get(i), y = b.values().get(i);
            assertThat(y.name()).isEqualTo(x.name());
            assertThat(y.dtype()).isEqualTo(x.dtype());
            assertThat(y.shape()).containsExactly(x.shape());
            assertThat(y.storage()).isEqualTo(x.storage());
            assertThat(y.offset()).isEqualTo(x.offset());
            assertThat(y.bytes()).isEqualTo(x.bytes());
        }
        assertThat(b.tasks()).hasSameSizeAs(a.tasks());
        for (int i = 0; i < a.tasks().size(); i++) {
            assertThat(b.tasks().get(i).node().output(0).name()).isEqualTo(a.tasks().get(i).node().output(0).name());
            assertThat(b.tasks().get(i).args()).containsExactly(a.tasks().get(i).args());
        }
        assertThat(b.outputCopies()).isEqualTo(a.outputCopies());
        assertThat(b.arenaSize()).isEqualTo(a.arenaSize());
        assertThat(b.weightsSize()).isEqualTo(a.weightsSize());
        assertThat(b.memory().offsets()).containsExactly(a.memory().offsets());
        assertThat(b.memory().lowerBound()).isEqualTo(a.memory().lowerBound());
        assertThat(b.memory().naiveSize()).isEqualTo(a.memory().naiveSize());
    }
}
