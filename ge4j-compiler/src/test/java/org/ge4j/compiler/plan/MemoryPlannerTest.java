package org.ge4j.compiler.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ge4j.compiler.plan.MemoryPlanner.Buffer;
import org.junit.jupiter.api.Test;

class MemoryPlannerTest {
    @Test
    void chainReusesMemory() {
        // a -> b -> c -> d: each buffer lives while it is produced and consumed by the next op
        List<Buffer> l = List.of(new Buffer(0, 640, 0, 1), new Buffer(1, 640, 1, 2), new Buffer(2, 640, 2, 3), new Buffer(3, 640, 3, 4));
        MemoryPlanner.Plan p = MemoryPlanner.plan(l);
        assertThat(p.naiveSize()).isEqualTo(2560);
        assertThat(p.lowerBound()).isEqualTo(1280);
        assertThat(p.arenaSize()).isEqualTo(1280);
        assertNoConflicts(l, p);
    }

    @Test
    void sizesAreAligned() {
        MemoryPlanner.Plan p = MemoryPlanner.plan(List.of(new Buffer(0, 1, 0, 0), new Buffer(1, 65, 0, 0)));
        assertThat(p.arenaSize()).isEqualTo(64 + 128);
        assertThat(p.offset(0) % 64).isZero();
        assertThat(p.offset(1) % 64).isZero();
    }

    @Test
    void randomSchedulesNeverOverlapAndStayNearTheLowerBound() {
        SplittableRandom r = new SplittableRandom(7);
        double worst = 1;
        for (int trial = 0; trial < 200; trial++) {
            List<Buffer> l = new ArrayList<>();
            int n = 5 + r.nextInt(60);
            for (int i = 0; i < n; i++) {
                int s = r.nextInt(100);
                l.add(new Buffer(i, 64L * (1 + r.nextInt(1000)), s, s + r.nextInt(10)));
            }
            MemoryPlanner.Plan p = MemoryPlanner.plan(l);
            assertNoConflicts(l, p);
            assertThat(p.arenaSize()).isGreaterThanOrEqualTo(p.lowerBound()).isLessThanOrEqualTo(p.naiveSize());
            worst = Math.max(worst, p.arenaSize() / (double) p.lowerBound());
        }
        System.out.println("worst planned/lower-bound over 200 random schedules: " + worst);
    }

    private static void assertNoConflicts(List<Buffer> l, MemoryPlanner.Plan p) {
        for (Buffer a : l)
            for (Buffer b : l) {
                if (a.id() >= b.id() || !(a.start() <= b.end() && b.start() <= a.end())) continue;
                long a0 = p.offset(a.id()), a1 = a0 + MemoryPlanner.align(a.size());
                long b0 = p.offset(b.id()), b1 = b0 + MemoryPlanner.align(b.size());
                assertThat(a1 <= b0 || b1 <= a0).as("buffers %s and %s overlap", a, b).isTrue();
                assertThat(Math.max(a1, b1)).isLessThanOrEqualTo(p.arenaSize());
            }
    }
}
