package org.ge4j.runtime.om;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.ge4j.compiler.om.DefinitionCodec;
import org.ge4j.compiler.om.ModelDefinition;
import org.ge4j.compiler.om.OmFormat;
import org.ge4j.compiler.om.OmFormat.PartitionKind;
import org.ge4j.compiler.om.OmFormatException;
import org.ge4j.compiler.om.OmWriter;
import org.ge4j.ir.Ge4jException;

/**
 * A {@code .om} file read into memory (layout in {@link OmFormat}): the whole file is memory-mapped into
 * the caller's arena, the header, partition table and every partition's checksum are verified, and the
 * model definition is decoded with its constants as views of the mapped weights (nothing copied). Any
 * problem is an {@link OmFormatException} whose one-line message names the file and what is wrong.
 *
 * @param path       the file
 * @param version    its format version
 * @param flags      its header flags
 * @param partitions its partitions, in table order
 * @param definition the decoded model definition
 * @param metadata   the metadata pairs
 * @param weights    the mapped weights partition (valid while the arena is open)
 */
public record OmFile(Path path, int version, int flags, List<Partition> partitions, ModelDefinition definition,
                     Map<String, String> metadata, MemorySegment weights) {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One entry of the partition table. */
    public record Partition(PartitionKind kind, long offset, long length, int crc) {}

    /**
     * Maps and checks {@code file}; the mapping lives as long as {@code arena}. Verifies the weights'
     * checksum too when {@code verifyWeights} (a pass over all the weights' bytes).
     */
    public static OmFile read(Path file, Arena arena, boolean verifyWeights) {
        MemorySegment m;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < OmFormat.HEADER_BYTES)
                throw fail(file, size == 0 ? "the file is empty" : "truncated: " + size + " bytes, less than the " + OmFormat.HEADER_BYTES + "-byte header");
            m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (NoSuchFileException e) {
            throw fail(file, "no such file");
        } catch (IOException e) {
            throw fail(file, "cannot read it: " + e.getMessage());
        }
        byte[] magic = m.asSlice(0, OmFormat.MAGIC.length).toArray(ValueLayout.JAVA_BYTE);
        if (!Arrays.equals(magic, OmFormat.MAGIC)) throw fail(file, "not a ge4j .om file (bad magic number)");
        int version = m.get(I32, OmFormat.OFF_VERSION);
        if (version > OmFormat.VERSION)
            throw fail(file, "format version " + version + " is newer than the version " + OmFormat.VERSION + " this ge4j " + OmFormat.GE4J_VERSION
                    + " reads; recompile the model with this ge4j");
        if (version < OmFormat.MIN_VERSION)
            throw fail(file, "format version " + version + " is older than the version " + OmFormat.MIN_VERSION + " (the oldest this ge4j "
                    + OmFormat.GE4J_VERSION + " reads); recompile the model with this ge4j");
        CRC32C hc = new CRC32C();
        hc.update(m.asSlice(0, OmFormat.OFF_HEADER_CRC).asByteBuffer());
        if ((int) hc.getValue() != m.get(I32, OmFormat.OFF_HEADER_CRC)) throw fail(file, "corrupt: the header's checksum does not match");
        long length = m.get(I64, OmFormat.OFF_FILE_LENGTH);
        if (m.byteSize() < length) throw fail(file, "truncated: " + m.byteSize() + " bytes of the " + length + " the header announces");
        if (m.byteSize() > length) throw fail(file, "corrupt: " + (m.byteSize() - length) + " bytes after the end the header announces (" + length + ")");
        int flags = m.get(I32, OmFormat.OFF_FLAGS);
        int count = m.get(I32, OmFormat.OFF_PARTITION_COUNT);
        long tableOffset = m.get(I64, OmFormat.OFF_TABLE);
        if (count < 1 || count > 64 || tableOffset < OmFormat.HEADER_BYTES || tableOffset + (long) count * OmFormat.PARTITION_ENTRY_BYTES > length)
            throw fail(file, "corrupt: bad partition table (" + count + " entries at " + tableOffset + ")");
        MemorySegment table = m.asSlice(tableOffset, (long) count * OmFormat.PARTITION_ENTRY_BYTES);
        if (OmWriter.crc(table) != m.get(I32, OmFormat.OFF_TABLE_CRC)) throw fail(file, "corrupt: the partition table's checksum does not match");

        List<Partition> parts = new ArrayList<>();
        Map<PartitionKind, MemorySegment> byKind = new EnumMap<>(PartitionKind.class);
        for (int i = 0; i < count; i++) {
            long e = (long) i * OmFormat.PARTITION_ENTRY_BYTES;
            int code = table.get(I32, e);
            long off = table.get(I64, e + 8), len = table.get(I64, e + 16);
            int crc = table.get(I32, e + 24);
            PartitionKind kind = PartitionKind.of(code);
            if (off < 0 || len < 0 || off + len > length || off % OmFormat.ALIGN != 0)
                throw fail(file, "corrupt: partition " + i + " (" + (kind == null ? "kind " + code : kind.label()) + ") at " + off + "+" + len + " lies outside the file");
            if (kind == null) continue; // a partition this version does not know: skipped
            Partition p = new Partition(kind, off, len, crc);
            parts.add(p);
            MemorySegment s = m.asSlice(off, len);
            boolean check = kind != PartitionKind.WEIGHTS || verifyWeights;
            if (check && (kind == PartitionKind.WEIGHTS ? crcReleasing(s) : OmWriter.crc(s)) != crc)
                throw fail(file, "corrupt: checksum mismatch in the " + kind.label() + " partition");
            byKind.put(kind, s);
        }
        for (PartitionKind k : List.of(PartitionKind.MODEL_DEFINITION, PartitionKind.WEIGHTS, PartitionKind.METADATA))
            if (!byKind.containsKey(k)) throw fail(file, "corrupt: no " + k.label() + " partition");
        MemorySegment weights = byKind.get(PartitionKind.WEIGHTS);
        try {
            Map<String, String> meta = DefinitionCodec.decodeStrings(byKind.get(PartitionKind.METADATA).asByteBuffer());
            ModelDefinition def = DefinitionCodec.decode(byKind.get(PartitionKind.MODEL_DEFINITION).asByteBuffer(), PlainView.of(weights), version);
            return new OmFile(file, version, flags, List.copyOf(parts), def, meta, weights);
        } catch (OmFormatException e) {
            throw fail(file, e.getMessage());
        } catch (Ge4jException | IllegalArgumentException e) {
            throw fail(file, "corrupt model definition: " + e.getMessage());
        }
    }

    /** {@link #read(Path, Arena, boolean)} with every checksum verified, the weights' included. */
    public static OmFile read(Path file, Arena arena) { return read(file, arena, true); }

    /** Bytes checksummed at a time by {@link #crcReleasing}. */
    private static final long CRC_CHUNK = 4L << 20;

    /**
     * CRC32C of a mapped partition, dropping each chunk's pages from this process's resident set once checked
     * ({@link MappedPages#release}): checking the weights must not make all of them resident, only those a
     * kernel reads later should be.
     */
    static int crcReleasing(MemorySegment s) {
        CRC32C c = new CRC32C();
        for (long o = 0; o < s.byteSize(); o += CRC_CHUNK) {
            MemorySegment chunk = s.asSlice(o, Math.min(CRC_CHUNK, s.byteSize() - o));
            c.update(chunk.asByteBuffer());
            MappedPages.release(chunk);
        }
        return (int) c.getValue();
    }

    private static OmFormatException fail(Path file, String problem) { return new OmFormatException(file + ": " + problem); }
}
