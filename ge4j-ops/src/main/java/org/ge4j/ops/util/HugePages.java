package org.ge4j.ops.util;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;

/**
 * Large zeroed native buffers in transparent huge pages (2 MB) where the system offers them: an anonymous
 * {@code mmap} aligned to 2 MB and advised {@code madvise(MADV_HUGEPAGE)}, through the FFM API (libc, no native
 * library of ours). With the kernel's THP mode {@code madvise} (a common default) only memory so advised gets huge
 * pages; a huge page covers 512 small ones in one TLB entry, which helps kernels that stream megabytes (packed
 * weights of a GEMM, the rows of an attention) or stride through them.
 * <p>
 * Falls back silently to {@link Arena#allocate(long, long)} where it cannot apply: not Linux on x86-64/AArch64,
 * no native access for this module (a JVM without {@code --enable-native-access}: no warning is printed), the
 * system property {@code ge4j.hugePages=false}, a buffer smaller than one huge page, or a failed {@code mmap}.
 * Either way the memory is zeroed, at least 64-byte aligned and freed with the arena.
 */
public final class HugePages {
    private HugePages() {}

    /** The huge page size on x86-64 and AArch64 (4 KB base pages). */
    public static final long HUGE_PAGE = 2L << 20;
    private static final long PAGE = 4096;
    private static final int PROT_READ_WRITE = 0x3, MAP_PRIVATE_ANONYMOUS = 0x22, MADV_HUGEPAGE = 14;

    /** Whether huge pages are asked for: system property {@code ge4j.hugePages} (default true). */
    public static final boolean REQUESTED = !"false".equals(System.getProperty("ge4j.hugePages"));

    /**
     * The libc functions, looked up on first use: a JVM's first downcall handles cost 30-50 ms of class loading and
     * generation (the FFM linker), which a model whose buffers are all below one huge page (tiny_ops' 512-byte arena)
     * never needs to pay at its first run.
     */
    private static final class Libc {
        static final MethodHandle MMAP, MUNMAP, MADVISE; // all null when unavailable

        static {
            MethodHandle mmap = null, munmap = null, madvise = null;
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT), arch = System.getProperty("os.arch", "");
            if (REQUESTED && os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))
                    && HugePages.class.getModule().isNativeAccessEnabled()) {
                try {
                    Linker l = Linker.nativeLinker();
                    var libc = l.defaultLookup();
                    ValueLayout ptr = ValueLayout.JAVA_LONG; // addresses passed as plain longs
                    mmap = l.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(ptr, ptr, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                    munmap = l.downcallHandle(libc.find("munmap").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ptr, ValueLayout.JAVA_LONG));
                    madvise = l.downcallHandle(libc.find("madvise").orElseThrow(), FunctionDescriptor.of(ValueLayout.JAVA_INT, ptr, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
                } catch (Throwable t) {
                    mmap = munmap = madvise = null;
                }
            }
            MMAP = mmap;
            MUNMAP = munmap;
            MADVISE = madvise;
        }

        private Libc() {}
    }

    /** Whether {@link #allocate} can return huge-page memory in this JVM. */
    public static boolean available() { return Libc.MMAP != null; }

    /**
     * A zeroed buffer of {@code bytes} bytes (at least 1), 64-byte aligned, freed when {@code arena} closes (or, for an
     * automatic arena, becomes unreachable). From one huge page up it starts on a 2 MB boundary and is advised
     * {@code MADV_HUGEPAGE}: every whole 2 MB of it may be one huge page (its tail below 2 MB stays in small pages, so
     * it costs no memory that a small-page buffer would not); pages come as the buffer is first written.
     */
    public static MemorySegment allocate(Arena arena, long bytes) { return allocate(arena, bytes, 64); }

    /** {@link #allocate(Arena, long)} aligned to {@code alignment} (a power of two up to 2 MB). */
    public static MemorySegment allocate(Arena arena, long bytes, long alignment) {
        if (bytes < HUGE_PAGE || alignment > HUGE_PAGE || Libc.MMAP == null) return arena.allocate(Math.max(bytes, 1), alignment);
        long len = (bytes + PAGE - 1) & -PAGE, total = len + HUGE_PAGE;
        try {
            long addr = (long) Libc.MMAP.invokeExact(0L, total, PROT_READ_WRITE, MAP_PRIVATE_ANONYMOUS, -1, 0L);
            if (addr == -1L || addr == 0L) return arena.allocate(bytes, alignment);
            long start = (addr + HUGE_PAGE - 1) & -HUGE_PAGE, head = start - addr, tail = total - head - len;
            if (head > 0) { int r = (int) Libc.MUNMAP.invokeExact(addr, head); }
            if (tail > 0) { int r = (int) Libc.MUNMAP.invokeExact(start + len, tail); }
            int advised = (int) Libc.MADVISE.invokeExact(start, len, MADV_HUGEPAGE); // failure (THP off): small pages, still correct
            return MemorySegment.ofAddress(start).reinterpret(len, arena, s -> unmap(s.address(), len)).asSlice(0, bytes);
        } catch (Throwable t) {
            return arena.allocate(bytes, alignment);
        }
    }

    private static void unmap(long address, long len) {
        try {
            int r = (int) Libc.MUNMAP.invokeExact(address, len);
        } catch (Throwable ignored) {
            // nothing to do: the mapping stays until the process ends
        }
    }
}
