package org.ge4j.runtime.om;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.api.GraphBuilder;
import org.ge4j.runtime.CompiledModel;
import org.ge4j.runtime.WarmUp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What stays resident of a loaded {@code .om}'s weights: checking their checksum and compiling the kernels (which
 * pack their own copies of the conv weights) leave none of the mapped pages in this process's resident set, the
 * model still computes what the in-memory model computes, and releasing memory that is not a file mapping changes
 * nothing. Residency is read from {@code /proc/self/pagemap} (Linux; skipped elsewhere).
 */
class WeightPagesTest {
    @TempDir Path dir;

    private static final Path PAGEMAP = Path.of("/proc/self/pagemap");

    static Tensor random(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[Math.toIntExact(Shape.elementCount(shape))];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextDouble() * 2 - 1);
        return Tensor.of(v, shape);
    }

    /** Two convolutions (3x3 then 1x1) with bias and Relu: weights the vector conv kernels pack at compile time. */
    static Graph convs() {
        GraphBuilder b = GraphBuilder.create("convs").opset(17);
        OutDataAnchor x = b.input("x", DataType.FLOAT, Shape.of(1, 16, 20, 20));
        OutDataAnchor c = b.relu(b.conv(x, b.constant("w1", random(1, 64, 16, 3, 3)), b.constant("b1", random(2, 64)), 1, 1, 1));
        OutDataAnchor y = b.conv(c, b.constant("w2", random(3, 32, 64, 1, 1)), b.constant("b2", random(4, 32)), 1, 0, 1);
        return b.output("y", y).build();
    }

    /** Bytes of {@code s}'s pages mapped in this process (present in its page table). */
    static long residentBytes(MemorySegment s) throws IOException {
        long page = 4096, resident = 0;
        try (FileChannel ch = FileChannel.open(PAGEMAP)) {
            ByteBuffer e = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            for (long p = s.address() & -page; p < s.address() + s.byteSize(); p += page) {
                e.clear();
                ch.read(e, (p / page) * 8);
                if (e.getLong(0) < 0) resident += page; // bit 63: present
            }
        }
        return resident;
    }

    @Test
    void loadedWeightsAreNotResidentAfterTheKernelsAreCompiledAndResultsAreUnchanged() throws IOException {
        assumeTrue(Files.isReadable(PAGEMAP), "needs /proc/self/pagemap");
        Path file = dir.resolve("convs.om");
        Tensor x = random(7, 1, 16, 20, 20);
        Map<String, Tensor> expected;
        try (CompiledModel m = CompiledModel.compile(convs())) {
            expected = m.run(Map.of("x", x));
            m.save(file);
        }
        try (CompiledModel l = CompiledModel.load(file, WarmUp.OFF)) {
            MemorySegment w = l.weights();
            assertThat(w.isMapped()).isTrue();
            assertThat(w.byteSize()).isGreaterThan(40_000);
            // the checksum pass read every page and the kernels read the conv weights while packing: none stays
            assertThat(residentBytes(w)).as("resident bytes of the weights after load").isZero();
            for (int round = 0; round < 2; round++) {
                Map<String, Tensor> got = l.run(Map.of("x", x));
                assertThat(got.get("y").toFloatArray()).as("round " + round).containsExactly(expected.get("y").toFloatArray(), org.assertj.core.data.Offset.offset(1e-5f));
                got.values().forEach(Tensor::close);
            }
        }
        expected.values().forEach(Tensor::close);
        x.close();
    }

    @Test
    void releasingMemoryThatIsNotMappedFromAFileKeepsItsContents() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(1 << 16, 4096);
            for (long i = 0; i < s.byteSize(); i += 4) s.set(ValueLayout.JAVA_INT, i, (int) i);
            MappedPages.release(s);
            for (long i = 0; i < s.byteSize(); i += 4) assertThat(s.get(ValueLayout.JAVA_INT, i)).isEqualTo((int) i);
        }
    }

    @Test
    void checksumPassReleasesThePagesItRead() throws IOException {
        assumeTrue(Files.isReadable(PAGEMAP), "needs /proc/self/pagemap");
        Path file = dir.resolve("data.bin");
        byte[] bytes = new byte[3 << 20];
        new SplittableRandom(1).nextBytes(bytes);
        Files.write(file, bytes);
        try (Arena a = Arena.ofShared(); FileChannel ch = FileChannel.open(file)) {
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length, a);
            java.util.zip.CRC32C c = new java.util.zip.CRC32C();
            c.update(bytes);
            assertThat(OmFile.crcReleasing(m)).isEqualTo((int) c.getValue());
            assertThat(residentBytes(m)).isZero();
            assertThat(m.get(ValueLayout.JAVA_BYTE, 12345)).isEqualTo(bytes[12345]); // comes back from the page cache
        }
    }
}
