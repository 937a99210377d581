package org.ge4j.compiler.om;

/**
 * The layout of a ge4j {@code .om} file (all numbers little-endian):
 *
 * <pre>
 * offset  size  header (64 bytes)
 *      0     8  magic "GE4J-OM" 0x1A
 *      8     4  format version ({@link #VERSION})
 *     12     4  flags ({@link #FLAG_GEARS}, {@link #FLAG_DYNAMIC}, {@link #FLAG_INTERPRETED})
 *     16     4  header size (64)
 *     20     4  partition count
 *     24     8  partition table offset
 *     32     8  file length
 *     40     4  CRC32C of the partition table
 *     44    16  reserved (zero)
 *     60     4  CRC32C of header bytes 0..59
 *
 * partition table: one 32-byte entry per partition
 *      0     4  kind ({@link PartitionKind})
 *      4     4  reserved (zero)
 *      8     8  offset in the file (a multiple of 64)
 *     16     8  length in bytes
 *     24     4  CRC32C of the partition's bytes
 *     28     4  reserved (zero)
 * </pre>
 *
 * Partitions: the model definition ({@link DefinitionCodec}: graph text with constants referenced into
 * the weights, weights table, I/O signature, execution mode and gears, one execution plan per gear,
 * compile options), the merged weights (each constant 64-byte aligned, memory-mapped at load), and the
 * metadata (string pairs: producer, source, compile time, memory figures...). The version changes
 * whenever the layout or any partition's encoding does; readers reject versions outside
 * {@link #MIN_VERSION}..{@link #VERSION}.
 */
public final class OmFormat {
    private OmFormat() {}

    /** The first 8 bytes of every .om file. */
    public static final byte[] MAGIC = {'G', 'E', '4', 'J', '-', 'O', 'M', 0x1A};
    /** The format version this build writes (and the newest it reads). Version 2 added the plans' stream plans. */
    public static final int VERSION = 2;
    /** The oldest format version this build reads (version 1 plans run on one stream). */
    public static final int MIN_VERSION = 1;
    public static final int HEADER_BYTES = 64;
    public static final int PARTITION_ENTRY_BYTES = 32;
    /** Alignment of partitions in the file and of each constant in the weights partition. */
    public static final long ALIGN = 64;
    /** The ge4j version recorded as producer. */
    public static final String GE4J_VERSION = "0.1.0";

    /** The model has gears (several pre-planned input shapes). */
    public static final int FLAG_GEARS = 1;
    /** The model has symbolic dims planned at run time per input-shape signature. */
    public static final int FLAG_DYNAMIC = 2;
    /** The model runs on the interpreter (control flow). */
    public static final int FLAG_INTERPRETED = 4;

    /** Offsets of the header fields. */
    public static final int OFF_VERSION = 8, OFF_FLAGS = 12, OFF_HEADER_BYTES = 16, OFF_PARTITION_COUNT = 20, OFF_TABLE = 24,
            OFF_FILE_LENGTH = 32, OFF_TABLE_CRC = 40, OFF_HEADER_CRC = 60;

    /** What a partition holds. */
    public enum PartitionKind {
        MODEL_DEFINITION(1, "model definition"),
        WEIGHTS(2, "weights"),
        METADATA(3, "metadata"),
        /** Reserved for generated kernel classes (autofusion). */
        KERNELS(4, "kernels");

        private final int code;
        private final String label;

        PartitionKind(int code, String label) {
            this.code = code;
            this.label = label;
        }

        public int code() { return code; }

        public String label() { return label; }

        /** The kind with this code, or null. */
        public static PartitionKind of(int code) {
            for (PartitionKind k : values()) if (k.code == code) return k;
            return null;
        }
    }

    /** Rounds {@code n} up to {@link #ALIGN}. */
    public static long align(long n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }
}
