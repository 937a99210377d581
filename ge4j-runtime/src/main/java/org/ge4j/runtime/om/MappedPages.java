package org.ge4j.runtime.om;

import java.lang.foreign.MemorySegment;

/**
 * What stays resident of a memory-mapped {@code .om}: pages of a read-only file mapping can always be dropped
 * from the process's resident set; they stay in the page cache and come back when read again. Note: on file
 * systems with large page-cache folios (ext4 on Linux 6.x) a read maps the whole folio around it (up to 2 MB),
 * so a weight read in place also brings back its neighbours in the file.
 */
public final class MappedPages {
    private MappedPages() {}

    /**
     * Whether the loader releases weight pages ({@link #release} after checking the weights' checksum and after
     * compiling the kernels that read them): system property {@code ge4j.releaseWeights} (default true; false keeps
     * every page read so far resident, for measuring).
     */
    public static final boolean RELEASE_WEIGHTS = !"false".equals(System.getProperty("ge4j.releaseWeights"));

    /**
     * Drops the pages of {@code s} from the resident set when it is a file mapping ({@link MemorySegment#unload()},
     * i.e. {@code madvise(MADV_DONTNEED)} on the pages it spans); does nothing to memory that is not mapped from a
     * file, or when {@link #RELEASE_WEIGHTS} is off.
     */
    public static void release(MemorySegment s) {
        if (RELEASE_WEIGHTS && s.isMapped() && s.byteSize() > 0) s.unload();
    }
}
