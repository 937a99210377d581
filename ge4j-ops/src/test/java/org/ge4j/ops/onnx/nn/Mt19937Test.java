package org.ge4j.ops.onnx.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class Mt19937Test {
    @Test void matchesTheReferenceStream() {
        // The MT19937 reference: init_genrand(5489) gives 3499211612 first; seed 0 gives 2357136044.
        assertThat(new Mt19937(5489).nextInt() & 0xffffffffL).isEqualTo(3499211612L);
        assertThat(new Mt19937(0).nextInt() & 0xffffffffL).isEqualTo(2357136044L);
    }

    @Test void doublesLikeNumpyRandomSample() {
        // numpy: np.random.seed(0); np.random.random_sample(2) -> 0.5488135039273248, 0.7151893663724195
        Mt19937 r = new Mt19937(0);
        assertThat(r.nextDouble()).isCloseTo(0.5488135039273248, within(1e-16));
        assertThat(r.nextDouble()).isCloseTo(0.7151893663724195, within(1e-16));
    }
}
