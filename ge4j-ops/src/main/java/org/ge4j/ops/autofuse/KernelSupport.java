package org.ge4j.ops.autofuse;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Constants the generated kernels read (static finals, so the JIT folds them). */
public final class KernelSupport {
    private KernelSupport() {}

    /** Tensor data is little-endian (as {@link org.ge4j.ir.Tensor} stores it), accessed unaligned. */
    public static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
}
