package org.ge4j.cli;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ge4j.compiler.OptLevel;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.Value;
import org.ge4j.ops.ReferenceInterpreter;
import org.ge4j.parser.onnx.OnnxParser;
import org.ge4j.runtime.CompileOptions;
import org.ge4j.runtime.CompiledModel;
import org.ge4j.runtime.om.OmFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ge4j compare}: runs a model compiled (optimised, fast kernels) and with the reference interpreter
 * (unoptimised) on the same inputs and reports each output's error; with {@code --per-node}, the first
 * intermediate value where the two diverge.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Run a model optimised and with the reference interpreter on the same seeded inputs; report per-output max abs/rel error.",
                "With --per-node, also compare every intermediate value both runs share (by value name) and name the first that diverges.",
                "For an .onnx the reference is the unoptimised model; for a .om it is the .om's own graph on the interpreter.",
                "Exit code 0 when every output is within tolerance (|a - r| <= atol + rtol * |r|), else 1.",
                "Relative errors are |a - r| / max(|r|, atol)."})
public final class CompareCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "An .onnx (or a .om) file.")
    Path model;

    @Mixin InputOptions input;

    @Option(names = "--rtol", defaultValue = "1e-3", description = "Relative tolerance (default: ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--atol", defaultValue = "1e-4", description = "Absolute tolerance (default: ${DEFAULT-VALUE}).")
    double atol;

    @Option(names = "--per-node", description = "Compare intermediate values too and report the first divergence.")
    boolean perNode;

    @Option(names = {"--oo_level", "--oo-level"}, paramLabel = "LEVEL", defaultValue = "O3", description = "Optimisation level for an .onnx (default: ${DEFAULT-VALUE}).")
    String level;

    @Option(names = {"--optimization_switch", "--optimization-switch"}, paramLabel = "SWITCHES", description = "Pass switches for an .onnx, e.g. \"fusion:off\".")
    String switches;

    /** Errors of one value. */
    record Diff(double maxAbs, double maxRel, long worstAt, long bad, String problem) {
        boolean ok() { return problem == null && bad == 0; }
    }

    @Override public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        input.check();
        boolean om = model.toString().toLowerCase(Locale.ROOT).endsWith(".om");
        try (Arena arena = Arena.ofShared();
             CompiledModel m = om ? CompiledModel.load(model)
                     : CompiledModel.compile(model, CompileOptions.builder().optLevel(OptLevel.parse(level)).optSwitches(switches).build())) {
            Graph ref = om ? OmFile.read(model, arena, false).definition().graph() : new OnnxParser().parse(model);
            out.println("reference: " + (om ? "the .om's own graph on the reference interpreter" : "the unoptimised model on the reference interpreter")
                    + "; optimised: " + m.mode().name().toLowerCase(Locale.ROOT) + " at " + (om ? m.definition().options().getOrDefault("oo_level", "?") : level));
            Map<String, Tensor> in = input.make(m);
            try {
                return perNode ? perNode(out, m, ref, in) : outputsOnly(out, m, ref, in);
            } finally {
                in.values().forEach(Tensor::close);
            }
        } finally {
            out.flush();
        }
    }

    private int outputsOnly(PrintWriter out, CompiledModel m, Graph ref, Map<String, Tensor> in) {
        Map<String, Tensor> got = m.run(in);
        Map<String, Value> want = new ReferenceInterpreter().run(ref, in);
        try {
            return report(out, got, want);
        } finally {
            got.values().forEach(Tensor::close);
            want.values().forEach(Value::close);
        }
    }

    private int report(PrintWriter out, Map<String, Tensor> got, Map<String, Value> want) {
        int bad = 0;
        out.printf(Locale.ROOT, "%-24s %-16s %12s %12s  %s%n", "output", "type", "max abs err", "max rel err", "result");
        for (Map.Entry<String, Tensor> e : got.entrySet()) {
            Value w = want.get(e.getKey());
            Diff d = w instanceof Tensor t ? diff(e.getValue(), t) : new Diff(0, 0, -1, 0, "the reference produced no tensor");
            if (!d.ok()) bad++;
            out.printf(Locale.ROOT, "%-24s %-16s %12.3e %12.3e  %s%n", e.getKey(), e.getValue().dtype().shortName() + Shape.toString(e.getValue().shape()),
                    d.maxAbs(), d.maxRel(), d.ok() ? "ok" : d.problem() != null ? d.problem() : d.bad() + " elements beyond tolerance (worst at " + d.worstAt() + ")");
        }
        out.printf(Locale.ROOT, "compare: %s (rtol %s, atol %s)%n", bad == 0 ? "all " + got.size() + " outputs within tolerance" : bad + " of " + got.size() + " outputs differ", rtol, atol);
        return bad == 0 ? 0 : 1;
    }

    private int perNode(PrintWriter out, CompiledModel m, Graph ref, Map<String, Tensor> in) {
        Map<String, OutDataAnchor> refValues = new HashMap<>();
        for (Node n : ref.nodes()) for (OutDataAnchor o : n.outputs()) if (!n.isData()) refValues.put(o.name(), o);
        List<String> order = new ArrayList<>();
        Map<String, Tensor> got = m.runCapturing(in, refValues::containsKey, order);
        Map<String, String> extra = new LinkedHashMap<>();
        for (String v : order) {
            String name = "ge4j.compare/" + v;
            ref.addOutput(name, refValues.get(v));
            extra.put(v, name);
        }
        Map<String, Value> want = new ReferenceInterpreter().run(ref, in);
        try {
            Map<String, Tensor> outs = new LinkedHashMap<>();
            for (var o : m.outputs()) outs.put(o.name(), got.get(o.name()));
            int result = report(out, outs, want);
            int compared = 0;
            for (String v : order) {
                Value w = want.get(extra.get(v));
                if (!(w instanceof Tensor t)) continue;
                Diff d = diff(got.get(v), t);
                compared++;
                if (d.ok()) continue;
                OutDataAnchor r = refValues.get(v);
                Node opt = m.graph().findValue(v) == null ? null : m.graph().findValue(v).node();
                out.printf(Locale.ROOT, "first divergence at value %%%s (%s): produced by %s in the optimised graph, by %s in the reference; %s%n", v,
                        got.get(v).dtype().shortName() + Shape.toString(got.get(v).shape()), opt == null ? "?" : opt.describe(), r.node().describe(),
                        d.problem() != null ? d.problem() : String.format(Locale.ROOT, "max abs err %.3e, max rel err %.3e, %d elements beyond tolerance", d.maxAbs(), d.maxRel(), d.bad()));
                out.printf(Locale.ROOT, "per-node: %d of %d shared intermediate values agree before it%n", compared - 1, order.size());
                return 1;
            }
            out.printf(Locale.ROOT, "per-node: all %d intermediate values shared by both graphs agree%n", compared);
            return result;
        } finally {
            got.values().forEach(Tensor::close);
            want.values().forEach(Value::close);
        }
    }

    /** Errors of {@code a} against the reference {@code r}: |a - r| <= atol + rtol |r| per element. */
    Diff diff(Tensor a, Tensor r) {
        if (a.dtype() != r.dtype()) return new Diff(0, 0, -1, 0, "type " + a.dtype().shortName() + " vs reference " + r.dtype().shortName());
        if (!java.util.Arrays.equals(a.shape(), r.shape()))
            return new Diff(0, 0, -1, 0, "shape " + Shape.toString(a.shape()) + " vs reference " + Shape.toString(r.shape()));
        if (a.dtype() == org.ge4j.ir.DataType.STRING)
            return java.util.Arrays.equals(a.toStringArray(), r.toStringArray()) ? new Diff(0, 0, -1, 0, null) : new Diff(0, 0, -1, 1, "strings differ");
        double maxAbs = 0, maxRel = 0;
        long worst = -1, bad = 0;
        double worstExcess = 0;
        for (long i = 0; i < a.scalarCount(); i++) {
            double x = a.getScalarDouble(i), y = r.getScalarDouble(i);
            if (Double.isNaN(x) || Double.isNaN(y)) {
                if (Double.isNaN(x) != Double.isNaN(y)) { bad++; if (worst < 0) worst = i; }
                continue;
            }
            if (x == y) continue; // equal infinities too
            double d = Math.abs(x - y);
            maxAbs = Math.max(maxAbs, d);
            maxRel = Math.max(maxRel, d / Math.max(Math.abs(y), atol)); // relative to the reference, absolute near zero
            double excess = d - (atol + rtol * Math.abs(y));
            if (excess > 0 || Double.isNaN(d)) {
                bad++;
                if (worst < 0 || excess > worstExcess) { worst = i; worstExcess = excess; }
            }
        }
        return new Diff(maxAbs, maxRel, worst, bad, null);
    }
}
