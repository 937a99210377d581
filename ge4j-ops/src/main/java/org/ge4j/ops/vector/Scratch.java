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

    /**
     * Shrinks this thread's buffers (every other call drops them, the others leave 64 bytes each), so that the
     * next kernel runs on this thread take both growth paths of {@link #get}. For the warm-up at load, whose
     * miniature kernels would otherwise grow their buffers only once, before the JIT profiles them: C2 then
     * compiles the growth as a trap, and the first real run (larger buffers, or another thread) deoptimises
     * every kernel that inlines {@code get}.
     */
    static void shrink() {
        Scratch s = LOCAL.get();
        s.shrinks++;
        for (int i = 0; i < SLOTS; i++) s.slots[i] = (s.shrinks & 1) == 0 ? null : Arena.ofAuto().allocate(64, 64);
    }

    private int shrinks;

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
