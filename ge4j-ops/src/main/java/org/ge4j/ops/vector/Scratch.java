package org.ge4j.ops.vector;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread scratch buffers of the vector kernels (packed panels, im2col blocks, transposes), grown on
 * demand and then reused: after warm-up a kernel run allocates nothing. Each kernel uses fixed slot numbers
 * for the buffers it needs at once; a buffer's contents do not survive the kernel's run.
 */
final class Scratch {
    static final int SLOTS = 4;
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final MemorySegment[] slots = new MemorySegment[SLOTS];

    private Scratch() {}

    /** This thread's buffer {@code slot} with room for at least {@code bytes} bytes (64-byte aligned). */
    static MemorySegment get(int slot, long bytes) {
        Scratch s = LOCAL.get();
        MemorySegment m = s.slots[slot];
        if (m == null || m.byteSize() < bytes) {
            long size = Math.max(bytes, m == null ? 4096 : m.byteSize() * 2);
            m = Arena.ofAuto().allocate(size, 64);
            s.slots[slot] = m;
        }
        return m;
    }
}
