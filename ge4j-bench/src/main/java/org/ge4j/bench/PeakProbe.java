package org.ge4j.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Measures the FP32 fused-multiply-add throughput of one core with the Vector API: twelve independent FMA
 * chains on the preferred vector width (enough to cover the FMA latency on both pipes), timed in short
 * rounds, the best round kept (a round that lost the core to another process only lowers its own figure).
 * This is the peak "% of peak" is quoted against: the machine's own, not a datasheet's (a Zen 4 core runs
 * AVX-512 on 256-bit pipes, half a Zen 5 core's FLOP per cycle).
 */
public final class PeakProbe {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int CHAINS = 12;
    private static volatile float sink;

    private PeakProbe() {}

    /** GFLOP/s of one thread: best of {@code rounds} rounds of about {@code roundMillis} each, after a JIT warm-up. */
    public static double measure(int rounds, int roundMillis) {
        long iters = 1 << 14;
        for (int i = 0; i < 60; i++) chains(iters); // C2 compiles the loop
        long t0 = System.nanoTime();
        chains(iters);
        long one = Math.max(1, System.nanoTime() - t0);
        long n = Math.max(iters, iters * roundMillis * 1_000_000L / one);
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long s = System.nanoTime();
            chains(n);
            long dt = System.nanoTime() - s;
            best = Math.max(best, (double) n * CHAINS * S.length() * 2 / dt);
        }
        return best;
    }

    /** Measured peak, rounded to 1 GFLOP/s: the best of 60 rounds of 4 ms (about a quarter of a second). */
    public static double measure() { return Math.rint(measure(60, 4)); }

    private static void chains(long n) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), k = FloatVector.broadcast(S, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(S, 1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
        FloatVector a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < n; i++) {
            a0 = a0.fma(m, k); a1 = a1.fma(m, k); a2 = a2.fma(m, k); a3 = a3.fma(m, k);
            a4 = a4.fma(m, k); a5 = a5.fma(m, k); a6 = a6.fma(m, k); a7 = a7.fma(m, k);
            a8 = a8.fma(m, k); a9 = a9.fma(m, k); a10 = a10.fma(m, k); a11 = a11.fma(m, k);
        }
        sink = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    /** Prints the measured peak (for scripts: {@code java ... org.ge4j.bench.PeakProbe}). */
    public static void main(String[] args) {
        System.out.printf(java.util.Locale.ROOT, "%.0f%n", measure());
    }
}
