package org.ge4j.ops.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.vector.KernelHarness.assertMatchesReference;

import org.ge4j.ops.exec.KernelPaths;
import org.ge4j.ops.vector.NchwcConvTest.Conv;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ge4j::BlockedConv} 3×3 stride 1 through {@link NchwcWinograd} (its shape rule bypassed) against the reference
 * kernel. Tolerance: the transforms scale the products by up to 8·5·5·8/36 and cancel them again, so the float
 * rounding of one output grows with the sum of |terms| rather than with the output; measured errors are a few 1e-6 of
 * the output's rms for 64-256 input channels, so 5e-5 relative to |expected| + rms leaves a 10× margin and still
 * catches a wrong tap (errors of order 1).
 */
class NchwcWinogradTest {
    private static final double TOL = 5e-5;

    @BeforeEach
    void force() { NchwcWinograd.force = true; }

    @AfterEach
    void unforce() { NchwcWinograd.force = false; }

    static Conv conv(long n, long c, long h, long w, long m, long pt, long pl, long pb, long pr) {
        return new Conv(n, c, h, w, m, 3, 3, new long[] {pt, pl, pb, pr}, new long[] {1, 1}, new long[] {1, 1});
    }

    /** Checks the conv with F(4×4, 3×3) and with F(2×2, 3×3). */
    private static void check(Conv cv, long seed, String act, boolean bias, boolean residual) {
        for (int tile : new int[] {4, 2}) {
            NchwcWinograd.forceTile = tile;
            try {
                var k = assertMatchesReference(cv.builder(seed, act, bias, residual).build(), TOL);
                assertThat(k).isInstanceOf(NchwcWinograd.class);
            } finally {
                NchwcWinograd.forceTile = 0;
            }
        }
    }

    @Test
    void shapes() {
        check(conv(1, 32, 8, 8, 32, 1, 1, 1, 1), 1, "Relu", true, false); // whole tiles
        check(conv(1, 24, 7, 7, 40, 1, 1, 1, 1), 3, "", true, false); // 7x7: edge tiles overhang, channels not multiples of 16
        check(conv(2, 16, 13, 11, 20, 1, 1, 1, 1), 5, "Relu", true, true); // batch 2, odd sizes
        check(conv(1, 48, 14, 14, 72, 0, 0, 0, 0), 7, "Relu", false, false); // pads 0
        check(conv(1, 20, 9, 10, 36, 0, 2, 1, 0), 9, "", true, true); // asymmetric pads
        check(conv(1, 3, 3, 3, 5, 1, 1, 1, 1), 11, "Relu", true, false); // one tile, few channels
        check(conv(1, 16, 27, 27, 96, 1, 1, 1, 1), 13, "Relu", true, false); // several strips and groups
        check(conv(1, 64, 28, 28, 64, 1, 1, 1, 1), 15, "", true, true);
        check(conv(1, 256, 14, 14, 48, 1, 1, 1, 1), 17, "Relu", true, false); // deep: larger rounding
        check(conv(1, 8, 5, 30, 16, 2, 2, 2, 2), 19, "", false, true); // pads 2, a wide row of tiles
    }

    @Test
    void stripsOfFewTiles() {
        long was = NchwcWinograd.stripBytes;
        NchwcWinograd.stripBytes = 1; // 5 tiles per strip
        try {
            check(conv(1, 40, 17, 19, 24, 1, 1, 1, 1), 21, "Relu", true, true);
            check(conv(2, 16, 9, 9, 16, 1, 1, 1, 1), 23, "Sigmoid", true, false);
        } finally {
            NchwcWinograd.stripBytes = was;
        }
    }

    @Test
    void activations() {
        for (String act : new String[] {"", "Relu", "LeakyRelu", "Clip", "Sigmoid", "Tanh", "Gelu"})
            for (boolean residual : new boolean[] {false, true}) {
                check(conv(1, 24, 8, 9, 40, 1, 1, 1, 1), 31, act, true, residual);
                check(conv(1, 24, 6, 6, 20, 1, 1, 1, 1), 37, act, !residual, residual);
            }
        // a clip whose range excludes 0 must still leave the padded lanes zero
        var clip = conv(1, 16, 7, 7, 20, 1, 1, 1, 1).builder(41, "Clip", true, true).attrFloats("activation_params", 0.25f, 0.5f).build();
        assertThat(assertMatchesReference(clip, TOL)).isInstanceOf(NchwcWinograd.class);
    }

    @Test
    void twoThreads() {
        WorkerPool two = new WorkerPool(2);
        NchwcWinograd.forceTile = 0;
        for (Conv cv : new Conv[] {conv(1, 64, 14, 14, 256, 1, 1, 1, 1), conv(1, 32, 30, 30, 48, 1, 1, 1, 1), conv(2, 48, 13, 13, 64, 1, 1, 1, 1)}) {
            var c = cv.builder(51, "Relu", true, true).build();
            NchwcWinograd k = (NchwcWinograd) NchwcWinograd.compile(c.spec(), two);
            var args = KernelHarness.args(c);
            k.run(args);
            KernelHarness.assertClose(KernelHarness.output(c, args, 0), KernelHarness.reference(c, 0), TOL, "2 threads " + cv);
            assertThat(k.chunks()).as("chunks of %s", cv).isGreaterThan(1);
        }
    }

    /**
     * Layers with few groups and strips (the chunks split groups and calls), uneven last groups (13, 18 and 20
     * blocks), several strips, both tiles, batch 2, small layers made parallel, on 2 and 3 threads, several runs
     * of one kernel (stale scratch from another chunk must never reach the output).
     */
    @Test
    void chunksOfEqualWork() {
        double wasMin = NchwcWinograd.parallelMinFlops;
        long wasStrip = NchwcWinograd.stripBytes;
        Conv[] convs = {conv(1, 144, 14, 14, 288, 1, 1, 1, 1), conv(1, 160, 7, 7, 320, 1, 1, 1, 1), conv(1, 96, 14, 14, 208, 1, 1, 1, 1),
                conv(1, 24, 14, 14, 64, 1, 1, 1, 1), conv(2, 32, 11, 13, 48, 1, 1, 1, 1), conv(1, 16, 28, 28, 32, 1, 1, 1, 1)};
        try {
            NchwcWinograd.parallelMinFlops = 1;
            for (int threads : new int[] {2, 3}) {
                WorkerPool pool = new WorkerPool(threads);
                for (int tile : new int[] {4, 2})
                    for (long strip : new long[] {wasStrip, 1}) {
                        NchwcWinograd.forceTile = tile;
                        NchwcWinograd.stripBytes = strip;
                        for (Conv cv : convs) {
                            var c = cv.builder(71, "Relu", true, true).build();
                            NchwcWinograd k = (NchwcWinograd) NchwcWinograd.compile(c.spec(), pool);
                            var args = KernelHarness.args(c);
                            var ref = KernelHarness.reference(c, 0);
                            for (int run = 0; run < 3; run++) {
                                k.run(args);
                                KernelHarness.assertClose(KernelHarness.output(c, args, 0), ref, TOL,
                                        threads + " threads, F(" + tile + "), strip bytes " + strip + ", run " + run + ": " + cv);
                            }
                            assertThat(k.chunks()).as("chunks of %s", cv).isGreaterThan(1);
                        }
                    }
            }
        } finally {
            NchwcWinograd.parallelMinFlops = wasMin;
            NchwcWinograd.stripBytes = wasStrip;
            NchwcWinograd.forceTile = 0;
        }
    }

    /**
     * The split by output blocks against the reference: googlenet's 14×14 and 7×7 shapes (16 and 4 tiles of F(4×4), 18
     * and 20 blocks), odd block counts (13, 3), partial last tile rows and columns, channels not multiples of 16,
     * batch 2, a wide row of tiles, residual and activations; forced on 1 thread (two chunks on the caller: the second
     * finds the transformed input of the first) and chosen on 2 and 3 threads; several runs of one kernel.
     */
    @Test
    void splitByOutputBlocks() {
        double wasMin = NchwcWinograd.parallelMinFlops;
        long wasBytes = NchwcWinograd.splitMinBytes;
        int wasChunks = NchwcWinograd.splitChunksPerThread;
        Conv[] convs = {conv(1, 144, 14, 14, 288, 1, 1, 1, 1), conv(1, 160, 7, 7, 320, 1, 1, 1, 1), conv(1, 96, 14, 14, 208, 1, 1, 1, 1),
                conv(1, 24, 13, 11, 40, 1, 1, 1, 1), conv(2, 20, 7, 9, 36, 1, 1, 1, 1), conv(1, 16, 5, 30, 50, 1, 1, 1, 1),
                conv(1, 33, 9, 10, 17, 0, 2, 1, 0), conv(1, 40, 8, 6, 90, 1, 1, 1, 1)};
        String[] acts = {"Relu", "", "Sigmoid"};
        try {
            NchwcWinograd.parallelMinFlops = 1;
            NchwcWinograd.splitMinBytes = 0;
            for (int threads : new int[] {1, 2, 3}) {
                WorkerPool pool = new WorkerPool(threads);
                NchwcWinograd.forceBlockSplit = threads == 1;
                NchwcWinograd.splitChunksPerThread = threads == 1 ? 2 : wasChunks; // 3 threads: chunks of odd block counts
                for (int tile : new int[] {4, 2}) {
                    NchwcWinograd.forceTile = tile;
                    for (int i = 0; i < convs.length; i++) {
                        Conv cv = convs[i];
                        var c = cv.builder(81 + i, acts[i % acts.length], i % 3 != 2, i % 2 == 0).build();
                        NchwcWinograd k = (NchwcWinograd) NchwcWinograd.compile(c.spec(), pool);
                        var args = KernelHarness.args(c);
                        var ref = KernelHarness.reference(c, 0);
                        for (int run = 0; run < 3; run++) {
                            k.run(args);
                            KernelHarness.assertClose(KernelHarness.output(c, args, 0), ref, TOL, threads + " threads, F(" + tile + "), run " + run + ": " + cv);
                        }
                        if (threads == 1 || tile == 4 && (i == 0 || i == 2)) assertThat(k.blockSplit()).as("split of %s, F(%d)", cv, tile).isTrue();
                        assertThat(k.chunks()).as("chunks of %s", cv).isGreaterThan(1);
                    }
                }
            }
            // clipped to a range without 0: the padded lanes of the last (odd) block stay zero
            NchwcWinograd.forceBlockSplit = true;
            var clip = conv(1, 16, 7, 7, 20, 1, 1, 1, 1).builder(41, "Clip", true, true).attrFloats("activation_params", 0.25f, 0.5f).build();
            NchwcWinograd k = (NchwcWinograd) NchwcWinograd.compile(clip.spec(), new WorkerPool(2));
            var args = KernelHarness.args(clip);
            k.run(args);
            KernelHarness.assertClose(KernelHarness.output(clip, args, 0), KernelHarness.reference(clip, 0), TOL, "clip");
            // the default rule: one strip and fewer groups than chunks, on 2 threads only
            NchwcWinograd.forceBlockSplit = false;
            NchwcWinograd.parallelMinFlops = wasMin;
            NchwcWinograd.splitMinBytes = wasBytes;
            NchwcWinograd.splitChunksPerThread = wasChunks;
            NchwcWinograd.forceTile = 0;
            var g14 = conv(1, 160, 14, 14, 320, 1, 1, 1, 1).builder(1, "Relu", true, false).build();
            assertThat(((NchwcWinograd) NchwcWinograd.compile(g14.spec(), new WorkerPool(2))).blockSplit()).isTrue();
            assertThat(((NchwcWinograd) NchwcWinograd.compile(g14.spec(), new WorkerPool(1))).blockSplit()).isFalse();
            var g96 = conv(1, 96, 14, 14, 208, 1, 1, 1, 1).builder(1, "Relu", true, false).build(); // 2.9 MB of weights
            assertThat(((NchwcWinograd) NchwcWinograd.compile(g96.spec(), new WorkerPool(2))).blockSplit()).isFalse();
            var g7 = conv(1, 160, 7, 7, 320, 1, 1, 1, 1).builder(1, "Relu", true, false).build(); // 4 tiles: by groups
            assertThat(((NchwcWinograd) NchwcWinograd.compile(g7.spec(), new WorkerPool(2))).blockSplit()).isFalse();
            var r28 = conv(1, 128, 28, 28, 128, 1, 1, 1, 1).builder(1, "Relu", true, false).build(); // strips of 9 tiles
            assertThat(((NchwcWinograd) NchwcWinograd.compile(r28.spec(), new WorkerPool(2))).blockSplit()).isFalse();
        } finally {
            NchwcWinograd.parallelMinFlops = wasMin;
            NchwcWinograd.splitMinBytes = wasBytes;
            NchwcWinograd.splitChunksPerThread = wasChunks;
            NchwcWinograd.forceBlockSplit = false;
            NchwcWinograd.forceTile = 0;
        }
    }

    /** AllocationFreeTest covers F(4×4) through the dispatch; here both tiles, forced. */
    @Test
    void bothTilesAllocateNothingOnceWarm() {
        for (int tile : new int[] {4, 2}) {
            NchwcWinograd.forceTile = tile;
            try {
                var c = conv(1, 24, 14, 13, 40, 1, 1, 1, 1).builder(61, "Sigmoid", true, true).build();
                var k = KernelHarness.compile(c);
                var args = KernelHarness.args(c);
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (System.nanoTime() < deadline && KernelHarness.allocatedBytes(k, args, 200) > 0) Thread.onSpinWait();
                assertThat(KernelHarness.allocatedBytes(k, args, 1000)).as("F(%dx%d)", tile, tile).isLessThan(4096);
            } finally {
                NchwcWinograd.forceTile = 0;
            }
        }
    }

    /** A forced tile ({@link KernelPaths}, as the warm-up sets it) makes a small conv (whose size rule gives F(4×4)) run F(2×2), and correctly. */
    @Test
    void theTileAttributeChoosesTheTransform() {
        NchwcWinograd.force = false;
        for (int tile : new int[] {2, 4}) {
            var c = conv(1, 32, 10, 14, 66, 1, 1, 1, 1).builder(21, "Relu", true, true).build();
            var expected = KernelHarness.reference(c, 0); // (the reference kernel checks the node's attributes)
            KernelPaths.of(NchwcWinograd.TILE, tile).forceOn(c.spec().node());
            var k = KernelHarness.compile(c);
            assertThat(k).isInstanceOf(NchwcWinograd.class);
            assertThat(((NchwcWinograd) k).outputTileSide()).isEqualTo(tile);
            assertThat(k.paths().get(NchwcWinograd.TILE, 0)).isEqualTo(tile);
            assertThat(BlockedCompilers.convPaths(c.spec(), null)).isEqualTo(k.paths());
            var args = KernelHarness.args(c);
            k.run(args);
            KernelHarness.assertClose(KernelHarness.output(c, args, 0), expected, TOL, "tile " + tile);
        }
        // and the strip attribute: 3 x 4 tiles of F(4x4) in strips of 4; 5 x 7 tiles of F(2x2) in strips of 7, of 9 (the
        // last of 8), of 31 (the last of 4 tiles, whose second call of the strip's seven starts past its end)
        for (int[] ts : new int[][] {{4, 4}, {2, 7}, {2, 9}, {2, 31}}) {
            var c = conv(1, 32, 10, 14, 66, 1, 1, 1, 1).builder(23, "", true, false).build();
            var expected = KernelHarness.reference(c, 0);
            KernelPaths.of(NchwcWinograd.TILE, ts[0]).with(NchwcWinograd.STRIP, ts[1]).forceOn(c.spec().node());
            var k = KernelHarness.compile(c);
            assertThat(k.paths()).isEqualTo(KernelPaths.of(NchwcWinograd.TILE, ts[0]).with(NchwcWinograd.STRIP, ts[1]));
            assertThat(BlockedCompilers.convPaths(c.spec(), null)).isEqualTo(k.paths());
            var args = KernelHarness.args(c);
            k.run(args);
            KernelHarness.assertClose(KernelHarness.output(c, args, 0), expected, TOL, "tile " + ts[0] + " strip " + ts[1]);
        }
        var plain = KernelHarness.compile(conv(1, 32, 10, 14, 66, 1, 1, 1, 1).builder(21, "Relu", true, true).build());
        assertThat(((NchwcWinograd) plain).outputTileSide()).isEqualTo(4);
        assertThat(plain.paths()).isEqualTo(KernelPaths.of(NchwcWinograd.TILE, 4)); // one strip
        // resnet50's 128 -> 128 on 28 x 28: 7 x 7 tiles in strips of 9; 256 -> 256 on 14 x 14 in F(2x2): 7 x 7 tiles in strips of 10
        var r128 = conv(1, 128, 28, 28, 128, 1, 1, 1, 1).builder(1, "", false, false).build();
        assertThat(BlockedCompilers.convPaths(r128.spec(), null)).isEqualTo(KernelPaths.of(NchwcWinograd.TILE, 4).with(NchwcWinograd.STRIP, 9));
        var r256 = conv(1, 256, 14, 14, 256, 1, 1, 1, 1).builder(1, "", false, false).build();
        assertThat(BlockedCompilers.convPaths(r256.spec(), null)).isEqualTo(KernelPaths.of(NchwcWinograd.TILE, 2).with(NchwcWinograd.STRIP, 10));
    }

    @Test
    void switchAndShapeRule() {
        NchwcWinograd.force = false;
        assertThat(KernelHarness.compile(conv(1, 16, 7, 7, 16, 1, 1, 1, 1).builder(1, "Relu", true, false).build())).isInstanceOf(NchwcWinograd.class);
        assertThat(KernelHarness.compile(conv(1, 64, 6, 6, 64, 1, 1, 1, 1).builder(1, "Relu", true, false).build())).isInstanceOf(NchwcConv.class);
        assertThat(NchwcWinograd.outputTile(new Window2d(1, 128, 14, 14, 14, 14, 3, 3, 1, 1, 1, 1, 1, 1), 128)).isEqualTo(4);
        assertThat(NchwcWinograd.outputTile(new Window2d(1, 512, 7, 7, 7, 7, 3, 3, 1, 1, 1, 1, 1, 1), 512)).isEqualTo(2);
        assertThat(KernelHarness.compile(conv(1, 64, 56, 56, 64, 1, 1, 1, 1).builder(1, "Relu", true, false).build())).isInstanceOf(NchwcWinograd.class);
        assertThat(KernelHarness.compile(NchwcConvTest.conv(1, 64, 28, 64, 3, 1, 2).builder(1, "Relu", true, false).build())).isInstanceOf(NchwcConv.class);
        assertThat(NchwcWinograd.outputTile(512, 512)).isEqualTo(2);
        assertThat(NchwcWinograd.outputTile(128, 128)).isEqualTo(4);
        boolean was = NchwcWinograd.enabled;
        NchwcWinograd.enabled = false;
        try {
            assertThat(KernelHarness.compile(conv(1, 64, 56, 56, 64, 1, 1, 1, 1).builder(1, "Relu", true, false).build())).isInstanceOf(NchwcConv.class);
        } finally {
            NchwcWinograd.enabled = was;
        }
    }
}
