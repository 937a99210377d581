package org.ge4j.compiler.pass;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.ge4j.compiler.CompilerOptions;
import org.ge4j.compiler.OptLevel;

/**
 * The pipelines of every optimisation level, as data, in one place. There is one master list; each step
 * names the lowest level it runs at. A switch {@code name:on} runs a pass below its level, {@code name:off}
 * drops it at every level. Fixed-point groups are repeated by the {@link PassManager} until no member
 * changes the graph. Hooks are slots for passes that plugins or later stages provide (layout choice,
 * kernel selection): they run only when a pass of that name is registered.
 */
public final class Pipelines {
    private Pipelines() {}

    /** A step of a pipeline: one pass or a fixed-point group. */
    public sealed interface Step permits Run, FixedPoint {}

    /**
     * Runs the pass {@code pass} from level {@code from} on. A {@code hook} is skipped silently when no pass of
     * that name is registered.
     */
    public record Run(String pass, OptLevel from, boolean hook) implements Step {}

    /** Runs {@code passes} in order, again and again, until none changes the graph (or the iteration limit). */
    public record FixedPoint(String name, List<Run> passes) implements Step {
        public FixedPoint { passes = List.copyOf(passes); }
    }

    /** The hook where a layout-choice pass (e.g. NCHW to blocked NCHWc) runs. */
    public static final String LAYOUT_HOOK = "layout";
    /** The hook where kernel selection and weight prepacking run. */
    public static final String KERNEL_SELECT_HOOK = "kernel-select";

    private static Run run(String pass, OptLevel from) { return new Run(pass, from, false); }

    private static Run hook(String pass) { return new Run(pass, OptLevel.O3, true); }

    /** The master pipeline: every level's pipeline is this list filtered by level and switches. */
    public static final List<Step> MASTER = List.of(
            run("infer-shapes", OptLevel.O0),
            new FixedPoint("cleanup", List.of(
                    run("const-fold", OptLevel.O1),
                    run("simplify", OptLevel.O1),
                    run("cse", OptLevel.O2),
                    run("dce", OptLevel.O1))),
            run("infer-shapes", OptLevel.O1),
            new FixedPoint("fuse", List.of(
                    run("fusion", OptLevel.O3),
                    run("const-fold", OptLevel.O3),
                    run("cse", OptLevel.O3),
                    run("dce", OptLevel.O3))),
            run("auto-fusion", OptLevel.O2),
            run("infer-shapes", OptLevel.O3),
            hook(LAYOUT_HOOK),
            hook(KERNEL_SELECT_HOOK));

    /**
     * Switches of the planning stages after the pipeline (not passes): {@code streams:off} plans one stream
     * ({@code streams:on} plans streams at O0 too).
     */
    public static final Set<String> PLANNING_SWITCHES = Set.of("streams");

    /** Every pass name the master pipeline mentions (hooks included). */
    public static Set<String> mentionedPasses() {
        Set<String> s = new LinkedHashSet<>();
        for (Step st : MASTER) {
            if (st instanceof Run r) s.add(r.pass());
            else if (st instanceof FixedPoint f) for (Run r : f.passes()) s.add(r.pass());
        }
        return s;
    }

    /**
     * The pipeline for {@code options}: the master list filtered by level and switches, with hooks kept
     * only when registered, and passes switched on that the master list does not mention appended.
     */
    public static List<Step> resolve(CompilerOptions options, PassRegistry passes) {
        List<Step> out = new ArrayList<>();
        for (Step st : MASTER) {
            if (st instanceof Run r) {
                if (included(r, options, passes)) out.add(r);
            } else if (st instanceof FixedPoint f) {
                List<Run> kept = new ArrayList<>();
                for (Run r : f.passes()) if (included(r, options, passes)) kept.add(r);
                if (kept.size() == 1) out.add(kept.get(0));
                else if (!kept.isEmpty()) out.add(new FixedPoint(f.name(), kept));
            }
        }
        Set<String> mentioned = mentionedPasses();
        options.switches().forEach((name, on) -> {
            if (on && passes.has(name) && !mentioned.contains(name)) out.add(new Run(name, OptLevel.O0, false));
        });
        return out;
    }

    private static boolean included(Run r, CompilerOptions o, PassRegistry passes) {
        if (r.hook() && !passes.has(r.pass())) return false;
        Boolean sw = o.switchFor(r.pass());
        return sw != null ? sw : o.level().atLeast(r.from());
    }

    /** The resolved pipeline as lines of text, for {@code --print-pipeline}. */
    public static List<String> describe(List<Step> pipeline, PassRegistry passes, int maxIterations) {
        List<String> lines = new ArrayList<>();
        int i = 1;
        for (Step st : pipeline) {
            if (st instanceof Run r) lines.add(String.format("%2d. %s%s", i++, r.pass(), about(r.pass(), passes)));
            else if (st instanceof FixedPoint f) {
                lines.add(String.format("%2d. fixed point '%s' (at most %d rounds):", i++, f.name(), maxIterations));
                for (Run r : f.passes()) lines.add("      " + r.pass() + about(r.pass(), passes));
            }
        }
        return lines;
    }

    private static String about(String pass, PassRegistry passes) {
        PassRegistry.Entry e = passes.entry(pass);
        return e == null || e.description().isEmpty() ? "" : "  -- " + e.description();
    }
}
