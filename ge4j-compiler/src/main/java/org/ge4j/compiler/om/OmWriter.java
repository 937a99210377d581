package org.ge4j.compiler.om;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.ge4j.compiler.om.OmFormat.PartitionKind;
import org.ge4j.ir.Ge4jException;

/**
 * Writes a {@code .om} file (layout in {@link OmFormat}): header, partition table, the model definition,
 * the metadata and, last, the merged weights. The file is written next to its destination and moved into
 * place when complete, so a reader never sees a half-written model.
 */
public final class OmWriter {
    private static final long CHUNK = 1L << 26;

    private OmWriter() {}

    /** A partition to write: its kind and bytes (the weights come as a memory segment). */
    private record Part(PartitionKind kind, MemorySegment bytes) {}

    /**
     * Writes {@code def} with the weights region {@code weights} (laid out as {@code def.weights()}) and
     * {@code metadata}. Returns the file's size.
     */
    public static long write(Path file, ModelDefinition def, MemorySegment weights, Map<String, String> metadata) {
        if (weights.byteSize() < def.weights().size())
            throw new Ge4jException("weights region of " + weights.byteSize() + " bytes is smaller than the layout's " + def.weights().size());
        List<Part> parts = new ArrayList<>();
        parts.add(new Part(PartitionKind.MODEL_DEFINITION, MemorySegment.ofArray(DefinitionCodec.encode(def))));
        parts.add(new Part(PartitionKind.METADATA, MemorySegment.ofArray(DefinitionCodec.encodeStrings(metadata))));
        parts.add(new Part(PartitionKind.WEIGHTS, weights.asSlice(0, def.weights().size())));

        long tableOffset = OmFormat.HEADER_BYTES;
        long pos = OmFormat.align(tableOffset + (long) parts.size() * OmFormat.PARTITION_ENTRY_BYTES);
        ByteBuffer table = ByteBuffer.allocate(parts.size() * OmFormat.PARTITION_ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long[] offsets = new long[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            offsets[i] = pos;
            table.putInt(p.kind().code()).putInt(0).putLong(pos).putLong(p.bytes().byteSize()).putInt(crc(p.bytes())).putInt(0);
            pos = OmFormat.align(pos + p.bytes().byteSize());
        }
        long fileLength = offsets[parts.size() - 1] + parts.get(parts.size() - 1).bytes().byteSize();
        table.flip();
        ByteBuffer header = ByteBuffer.allocate(OmFormat.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(OmFormat.MAGIC).putInt(OmFormat.VERSION).putInt(def.flags()).putInt(OmFormat.HEADER_BYTES).putInt(parts.size())
                .putLong(tableOffset).putLong(fileLength).putInt(crc(MemorySegment.ofBuffer(table)));
        CRC32C hc = new CRC32C();
        hc.update(header.array(), 0, OmFormat.OFF_HEADER_CRC);
        header.putInt(OmFormat.OFF_HEADER_CRC, (int) hc.getValue());
        header.position(0);

        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        try {
            if (dir != null) Files.createDirectories(dir);
            Path tmp = abs.resolveSibling(abs.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                    writeFully(ch, header, 0);
                    writeFully(ch, table, tableOffset);
                    for (int i = 0; i < parts.size(); i++) {
                        MemorySegment b = parts.get(i).bytes();
                        for (long o = 0; o < b.byteSize(); o += CHUNK)
                            writeFully(ch, b.asSlice(o, Math.min(CHUNK, b.byteSize() - o)).asByteBuffer(), offsets[i] + o);
                    }
                    if (ch.size() < fileLength) writeFully(ch, ByteBuffer.allocate((int) (fileLength - ch.size())), ch.size()); // an empty last partition
                    ch.force(true);
                }
                try {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        return fileLength;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) at += ch.write(b, at);
    }

    /** CRC32C of a segment's bytes. */
    public static int crc(MemorySegment s) {
        CRC32C c = new CRC32C();
        for (long o = 0; o < s.byteSize(); o += CHUNK) c.update(s.asSlice(o, Math.min(CHUNK, s.byteSize() - o)).asByteBuffer());
        return (int) c.getValue();
    }
}
