package org.ge4j.runtime.om;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * The memory of a file-mapped segment as a plain native segment, for the kernels. A kernel's C2 code speculates on
 * the classes of the segments it was profiled with: the warm-up at load runs it on segments allocated in an arena,
 * and a mapped segment arriving in the first real run fails that speculation and deoptimises the kernel (resnet50
 * loaded from a {@code .om}: its GEMM micro-kernels, each recompiled in the middle of the first run). The view is
 * made without restricted methods: a float view of the mapping's byte buffer is not itself a mapped buffer, so the
 * segment over it is an ordinary native one (same addresses, same lifetime, read-only as the mapping is).
 */
public final class PlainView {
    private PlainView() {}

    /**
     * {@code s} as a plain native segment when it is a file mapping whose size is a whole number of floats below
     * 8 GB; otherwise {@code s} itself.
     */
    public static MemorySegment of(MemorySegment s) {
        if (!s.isMapped() || s.byteSize() % 4 != 0 || s.byteSize() > Integer.MAX_VALUE || s.byteSize() == 0) return s;
        return MemorySegment.ofBuffer(s.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
    }
}
