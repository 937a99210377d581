package org.ge4j.compiler.plan;

import java.util.List;
import org.ge4j.compiler.plan.ExecutionPlan.Storage;
import org.ge4j.compiler.plan.ExecutionPlan.ValueSlot;

/**
 * Checks an {@link ExecutionPlan}'s stream plan against its memory plan, byte by byte: two tasks that may
 * run at the same time (neither ordered before the other by stream order or events) must not touch
 * overlapping arena bytes when either of them writes them. For tests and debugging (quadratic in the
 * task count).
 */
public final class PlanCheck {
    private PlanCheck() {}

    /** The first race as text, or null when there is none. */
    public static String race(ExecutionPlan p) {
        StreamPlan sp = p.streams();
        if (sp.streams() == 1) return null;
        int[][] clocks = sp.clocksBefore();
        int[] streamOf = sp.streamOf();
        List<ExecutionPlan.Task> tasks = p.tasks();
        for (int b = 0; b < tasks.size(); b++)
            for (int a = 0; a < b; a++) {
                if (StreamPlan.ordered(clocks, streamOf, a, b)) continue;
                String r = conflict(p, tasks.get(a), tasks.get(b));
                if (r != null) return "tasks " + a + " (" + tasks.get(a).node().describe() + ", stream " + streamOf[a] + ") and " + b + " ("
                        + tasks.get(b).node().describe() + ", stream " + streamOf[b] + ") may run at once: " + r;
            }
        return null;
    }

    private static String conflict(ExecutionPlan p, ExecutionPlan.Task a, ExecutionPlan.Task b) {
        int aIn = a.node().inputCount(), bIn = b.node().inputCount();
        for (int i = 0; i < a.args().length; i++)
            for (int j = 0; j < b.args().length; j++) {
                if (a.args()[i] < 0 || b.args()[j] < 0 || i < aIn && j < bIn) continue; // reads on both sides never race
                ValueSlot x = p.values().get(a.args()[i]), y = p.values().get(b.args()[j]);
                if (x.storage() != y.storage() || x.bytes() == 0 || y.bytes() == 0) continue;
                boolean overlap = switch (x.storage()) {
                    case ARENA -> x.offset() < y.offset() + y.bytes() && y.offset() < x.offset() + x.bytes();
                    case OUTPUT -> x.offset() == y.offset();
                    default -> false;
                };
                if (overlap) return (i < aIn ? "reads" : "writes") + " %" + x.name() + " " + where(x) + " while the other " + (j < bIn ? "reads" : "writes")
                        + " %" + y.name() + " " + where(y);
            }
        return null;
    }

    private static String where(ValueSlot v) {
        return v.storage() == Storage.ARENA ? "[" + v.offset() + ", " + (v.offset() + v.bytes()) + ")" : "(output " + v.offset() + ")";
    }
}
