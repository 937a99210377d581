package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void buffersGrowOnDemandAndAreReusedUntilShrunk() {
        MemorySegment a = Scratch.get(0, 10_000);
        assertThat(a.byteSize()).isGreaterThanOrEqualTo(10_000);
        assertThat(a.address() % 64).isZero();
        assertThat(Scratch.get(0, 5_000)).isSameAs(a);
        // shrinking alternates between dropping the buffers and leaving tiny ones: both growth paths of get
        for (int i = 0; i < 2; i++) {
            VectorOps.shrinkThreadScratch();
            MemorySegment b = Scratch.get(0, 20_000);
            assertThat(b).isNotSameAs(a);
            assertThat(b.byteSize()).isGreaterThanOrEqualTo(20_000);
            a = b;
        }
    }

    @Test
    void eachThreadHasItsOwnBuffers() throws Exception {
        MemorySegment mine = Scratch.get(1, 4096);
        MemorySegment[] other = new MemorySegment[1];
        Thread t = new Thread(() -> other[0] = Scratch.get(1, 4096));
        t.start();
        t.join();
        assertThat(other[0]).isNotNull().isNotSameAs(mine);
    }
}
