package org.ge4j.ops.vector;

/**
 * How a batch of GEMM-like problems is cut into chunks for the {@link WorkerPool}: per batch item, rows in
 * blocks of {@code rowsPer} (a multiple of 8) and B panels in blocks of {@code panelsPer}. Chunk c covers
 * batch item {@code c / (rowBlocks * panelBlocks)}; small problems stay in one chunk per batch item and on
 * the calling thread.
 */
record Split(int batches, int rows, int panels, int rowsPer, int rowBlocks, int panelsPer, int panelBlocks, boolean parallel) {
    /** Below this many flops a problem runs on the calling thread only (waking a worker costs microseconds). */
    static final double PARALLEL_MIN_FLOPS = 2e6;

    /**
     * @param preferRows split rows before panels (when B is shared, e.g. packed weights); otherwise panels
     *                   first (when each chunk must prepare its own panels, splitting rows would repeat that)
     */
    static Split of(int batches, int rows, int panels, double flops, int threads, boolean preferRows) {
        int rowGroups = Math.max(1, (rows + 7) / 8);
        panels = Math.max(1, panels);
        // more chunks than threads so that a thread the OS delays holds back less work (chunks are taken
        // dynamically); big problems get finer chunks
        int target = threads <= 1 || flops < PARALLEL_MIN_FLOPS ? 1 : flops >= 64 * PARALLEL_MIN_FLOPS ? 4 * threads : 2 * threads;
        int perBatch = Math.max(1, (target + batches - 1) / batches);
        int rb, pb;
        if (perBatch == 1) {
            rb = 1;
            pb = 1;
        } else if (preferRows && rows >= 16 || panels == 1) {
            rb = Math.min(perBatch, rowGroups);
            pb = Math.min(Math.max(1, (perBatch + rb - 1) / rb), panels);
        } else {
            pb = Math.min(perBatch, panels);
            rb = Math.min(Math.max(1, (perBatch + pb - 1) / pb), rowGroups);
        }
        int rowsPer = ((rowGroups + rb - 1) / rb) * 8;
        int rowBlocks = Math.max(1, (rows + rowsPer - 1) / rowsPer);
        int panelsPer = (panels + pb - 1) / pb;
        int panelBlocks = (panels + panelsPer - 1) / panelsPer;
        int chunks = batches * rowBlocks * panelBlocks;
        return new Split(batches, rows, panels, rowsPer, rowBlocks, panelsPer, panelBlocks, target > 1 && chunks > 1);
    }

    int chunks() { return batches * rowBlocks * panelBlocks; }

    int batch(int chunk) { return chunk / (rowBlocks * panelBlocks); }

    int row0(int chunk) { return (chunk % (rowBlocks * panelBlocks)) / panelBlocks * rowsPer; }

    int row1(int chunk) { return Math.min(rows, row0(chunk) + rowsPer); }

    int panel0(int chunk) { return (chunk % panelBlocks) * panelsPer; }

    int panel1(int chunk) { return Math.min(panels, panel0(chunk) + panelsPer); }
}
