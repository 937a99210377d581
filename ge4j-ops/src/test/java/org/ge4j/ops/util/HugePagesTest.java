package org.ge4j.ops.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class HugePagesTest {
    @Test
    void buffersAreZeroedAlignedAndOfTheAskedSize() {
        long[] sizes = {1, 4096, HugePages.HUGE_PAGE - 4, HugePages.HUGE_PAGE, HugePages.HUGE_PAGE + 4, 3 * HugePages.HUGE_PAGE + 12345};
        for (long bytes : sizes) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment m = HugePages.allocate(arena, bytes);
                assertEquals(bytes, m.byteSize(), "size of a " + bytes + "-byte buffer");
                assertEquals(0, m.address() % 64, "64-byte alignment of a " + bytes + "-byte buffer");
                if (HugePages.available() && bytes >= HugePages.HUGE_PAGE)
                    assertEquals(0, m.address() % HugePages.HUGE_PAGE, "2 MB alignment of a " + bytes + "-byte buffer");
                for (long i = 0; i < bytes; i += 997) assertEquals(0, m.get(ValueLayout.JAVA_BYTE, i), "byte " + i + " of a fresh buffer");
                m.fill((byte) 7); // every byte writable
                assertEquals(7, m.get(ValueLayout.JAVA_BYTE, bytes - 1));
            }
        }
    }

    @Test
    void largerAlignmentsThanAHugePageFallBack() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = HugePages.allocate(arena, 3 * HugePages.HUGE_PAGE, 4 * HugePages.HUGE_PAGE);
            assertTrue(m.address() % (4 * HugePages.HUGE_PAGE) == 0);
        }
    }

    @Test
    void automaticArenasFreeTheirMappingsWhenUnreachable() {
        for (int i = 0; i < 64; i++) HugePages.allocate(Arena.ofAuto(), 4 * HugePages.HUGE_PAGE).fill((byte) 1); // 512 MB in all without the cleanups
        System.gc();
    }
}
