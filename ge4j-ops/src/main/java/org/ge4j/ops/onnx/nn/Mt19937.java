package org.ge4j.ops.onnx.nn;

/**
 * The Mersenne Twister MT19937 with the seeding and double generation of numpy's legacy
 * {@code RandomState} ({@code np.random.seed(s); np.random.uniform(0, 1, n)}), so that seeded training-mode
 * ops give the values the ONNX reference tests were generated with.
 */
final class Mt19937 {
    private static final int N = 624, M = 397;
    private final int[] mt = new int[N];
    private int index;

    Mt19937(long seed) {
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        index = N;
    }

    /** The next 32 random bits. */
    int nextInt() {
        if (index >= N) twist();
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** A double in [0, 1) with 53 random bits (numpy's random_sample). */
    double nextDouble() {
        long a = (nextInt() & 0xffffffffL) >>> 5, b = (nextInt() & 0xffffffffL) >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
            int v = mt[(i + M) % N] ^ (y >>> 1);
            if ((y & 1) != 0) v ^= 0x9908b0df;
            mt[i] = v;
        }
        index = 0;
    }
}
