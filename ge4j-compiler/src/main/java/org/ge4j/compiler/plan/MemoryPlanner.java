package org.ge4j.compiler.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Static memory planning (GE's block memory assigner): places buffers with known sizes and lifetimes in
 * one arena so that buffers alive at the same time never overlap. Several greedy strategies are tried and
 * the smallest arena kept. Lifetimes are inclusive intervals on the schedule's clock.
 */
public final class MemoryPlanner {
    /** Offsets and sizes are multiples of this. */
    public static final long ALIGN = 64;

    /** One buffer to place: live from {@code start} to {@code end} inclusive. */
    public record Buffer(int id, long size, int start, int end) {
        public Buffer {
            if (size < 0 || end < start) throw new IllegalArgumentException("bad buffer " + id + ": size " + size + " [" + start + ", " + end + "]");
        }

        boolean overlapsInTime(Buffer o) { return start <= o.end && o.start <= end; }
    }

    /**
     * The result: offset per buffer id, the arena size, and the figures to judge it by: the naive sum of all
     * buffers and the lower bound (the most bytes alive at any one time).
     */
    public record Plan(long[] offsets, long arenaSize, long naiveSize, long lowerBound, String strategy) {
        public long offset(int id) { return offsets[id]; }
    }

    private MemoryPlanner() {}

    public static long align(long n) { return (n + ALIGN - 1) / ALIGN * ALIGN; }

    /** Plans buffers whose ids are 0..n-1 (ids index the returned offsets). */
    public static Plan plan(List<Buffer> buffers) {
        int maxId = -1;
        for (Buffer b : buffers) maxId = Math.max(maxId, b.id());
        List<Buffer> aligned = new ArrayList<>(buffers.size());
        long naive = 0;
        for (Buffer b : buffers) {
            Buffer a = new Buffer(b.id(), align(b.size()), b.start(), b.end());
            aligned.add(a);
            naive += a.size();
        }
        long lower = lowerBound(aligned);
        Plan best = null;
        for (Strategy s : Strategy.values()) {
            List<Buffer> order = new ArrayList<>(aligned);
            order.sort(s.order);
            long[] offsets = new long[maxId + 1];
            long size = place(order, offsets);
            if (best == null || size < best.arenaSize()) best = new Plan(offsets, size, naive, lower, s.name().toLowerCase());
            if (size == lower) break; // optimal
        }
        if (best == null) best = new Plan(new long[maxId + 1], 0, 0, 0, "empty");
        return best;
    }

    /** Greedy placement in the given order: each buffer goes into the lowest-waste gap among conflicting buffers. */
    private static long place(List<Buffer> order, long[] offsets) {
        List<Buffer> placed = new ArrayList<>();
        long arena = 0;
        long[] starts = new long[order.size()];
        long[] ends = new long[order.size()];
        for (Buffer b : order) {
            // address ranges of already-placed buffers alive at the same time, sorted by offset
            int k = 0;
            for (Buffer p : placed) {
                if (!p.overlapsInTime(b)) continue;
                starts[k] = offsets[p.id()];
                ends[k] = offsets[p.id()] + p.size();
                k++;
            }
            long[][] iv = new long[k][];
            for (int i = 0; i < k; i++) iv[i] = new long[] {starts[i], ends[i]};
            Arrays.sort(iv, Comparator.comparingLong(x -> x[0]));
            long bestOff = -1, bestWaste = Long.MAX_VALUE, cursor = 0;
            for (long[] r : iv) {
                long gap = r[0] - cursor;
                if (gap >= b.size() && gap - b.size() < bestWaste) {
                    bestWaste = gap - b.size();
                    bestOff = cursor;
                }
                cursor = Math.max(cursor, r[1]);
            }
            if (bestOff < 0) bestOff = cursor; // on top of everything alive
            offsets[b.id()] = bestOff;
            arena = Math.max(arena, bestOff + b.size());
            placed.add(b);
        }
        return arena;
    }

    /** The most bytes alive at any single time: no placement can do better. */
    public static long lowerBound(List<Buffer> buffers) {
        int maxT = 0;
        for (Buffer b : buffers) maxT = Math.max(maxT, b.end());
        long[] delta = new long[maxT + 2];
        for (Buffer b : buffers) {
            delta[b.start()] += b.size();
            delta[b.end() + 1] -= b.size();
        }
        long live = 0, max = 0;
        for (long d : delta) {
            live += d;
            max = Math.max(max, live);
        }
        return max;
    }

    private enum Strategy {
        SIZE_DESC(Comparator.comparingLong(Buffer::size).reversed().thenComparingInt(Buffer::start)),
        START_ASC(Comparator.comparingInt(Buffer::start).thenComparing(Comparator.comparingLong(Buffer::size).reversed())),
        LONGEST_FIRST(Comparator.comparingInt((Buffer b) -> b.end() - b.start()).reversed().thenComparing(Comparator.comparingLong(Buffer::size).reversed())),
        AREA_DESC(Comparator.comparingLong((Buffer b) -> b.size() * (b.end() - b.start() + 1)).reversed());

        final Comparator<Buffer> order;

        Strategy(Comparator<Buffer> order) { this.order = order; }
    }
}
