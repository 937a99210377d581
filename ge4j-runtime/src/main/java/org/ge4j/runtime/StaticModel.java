package org.ge4j.runtime;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.compiler.plan.ExecutionPlan.Storage;
import org.ge4j.compiler.plan.ExecutionPlan.ValueSlot;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.Attrs;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.Kernel;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.OpSchema;
import org.ge4j.ops.SchemaChecker;
import org.ge4j.ops.exec.CompiledKernel;
import org.ge4j.ops.exec.KernelCompiler;
import org.ge4j.ops.exec.KernelPaths;
import org.ge4j.ops.exec.NodeSpec;
import org.ge4j.ops.exec.ReferenceKernelAdapter;
import org.ge4j.ops.util.HugePages;
import org.ge4j.runtime.om.MappedPages;
import org.ge4j.runtime.om.PlainView;

/**
 * A static-shape model ready to run ("sink" mode): the flat task list of an {@link ExecutionPlan} with a
 * compiled kernel per task, over merged weights. Immutable and shareable; each run uses an
 * {@link ExecutionContext} (its own arena), so many threads can run one model at once.
 */
public final class StaticModel implements AutoCloseable {
    private final ExecutionPlan plan;
    private final MemorySegment weights;
    /** The weights as the kernels see them: a plain native view of a mapping ({@link PlainView}). */
    private final MemorySegment kernelWeights;
    private final Arena weightsArena; // null when the weights belong to someone else (a mapped .om)
    private final CompiledKernel[] kernels;
    private final String[] kernelProviders;
    private final Arena constantsArena = Arena.ofShared();
    private final MemorySegment constants; // the plan's own constants, off-heap like every tensor the kernels see

    private StaticModel(ExecutionPlan plan, MemorySegment weights, Arena weightsArena, OpRegistry registry, List<String> providers) {
        this.plan = plan;
        this.weights = weights;
        this.kernelWeights = PlainView.of(weights);
        this.weightsArena = weightsArena;
        this.constants = constantsArena.allocate(Math.max(plan.constants().length, 1), 64);
        MemorySegment.copy(MemorySegment.ofArray(plan.constants()), 0, constants, 0, plan.constants().length);
        List<ExecutionPlan.Task> tasks = plan.tasks();
        kernels = new CompiledKernel[tasks.size()];
        kernelProviders = new String[tasks.size()];
        for (int t = 0; t < tasks.size(); t++) {
            ExecutionPlan.Task task = tasks.get(t);
            Node n = task.node();
            OpSchema schema = registry.schemaFor(n);
            if (schema == null) throw GraphInference.unknownOp(n);
            NodeSpec spec = spec(plan, task, schema, constants);
            for (String p : providers) {
                KernelCompiler c = registry.compiler(p, n.domain(), n.type());
                if (c == null) continue;
                CompiledKernel k = c.compile(spec, schema);
                if (k != null) { kernels[t] = k; kernelProviders[t] = p; break; }
            }
            if (kernels[t] == null) {
                Kernel ref = registry.kernel(OpRegistry.REFERENCE, n.domain(), n.type());
                if (ref == null) throw new OpException(n, "no kernel for " + n.qualifiedType());
                kernels[t] = new ReferenceKernelAdapter(spec, schema, ref);
                kernelProviders[t] = OpRegistry.REFERENCE;
            }
            releaseWeightPages(task);
        }
        // and once more over all of them: reading one weight maps its neighbours in the file too (fault-around, large
        // page-cache folios), some released already
        MappedPages.release(weights);
    }

    /**
     * Drops the pages of the task's mapped weights (a loaded {@code .om}) from the resident set as soon as its kernel
     * is compiled (the peak of the load holds the weights of one task, not all): a kernel that packed its own copy
     * of a weight at compile time never reads the original again, which then would stay resident besides the copy.
     * Always safe ({@link MappedPages#release}): weights a kernel reads in place come
     * back from the page cache on its first run. Weights in memory (a model compiled in this process) stay.
     */
    private void releaseWeightPages(ExecutionPlan.Task task) {
        if (!MappedPages.RELEASE_WEIGHTS || !weights.isMapped()) return;
        int[] a = task.args();
        for (int i = 0; i < task.node().inputCount(); i++) {
            if (a[i] < 0) continue;
            ValueSlot s = plan.values().get(a[i]);
            if (s.storage() == Storage.WEIGHT) MappedPages.release(weights.asSlice(s.offset(), s.bytes()));
        }
    }

    /** Builds a model whose weights are copied out of the graph's constants into one aligned region. */
    public static StaticModel fromGraph(ExecutionPlan plan, Graph g, OpRegistry registry, List<String> providers) {
        Arena arena = Arena.ofShared();
        MemorySegment w = HugePages.allocate(arena, plan.weightsSize());
        for (Node n : g.nodes()) {
            if (n.outputCount() != 1) continue;
            Tensor c = GraphInference.constantValue(n.output(0));
            if (c == null) continue;
            ValueSlot slot = findSlot(plan, n.output(0).name());
            if (slot == null || slot.storage() != Storage.WEIGHT || c.dtype() == org.ge4j.ir.DataType.STRING) continue;
            MemorySegment.copy(c.segment(), 0, w, slot.offset(), c.byteSize());
        }
        return new StaticModel(plan, w, arena, registry, providers);
    }

    /** Builds a model over weights owned elsewhere (e.g. memory-mapped from a .om file). */
    public static StaticModel fromWeights(ExecutionPlan plan, MemorySegment weights, OpRegistry registry, List<String> providers) {
        return new StaticModel(plan, weights, null, registry, providers);
    }

    private static ValueSlot findSlot(ExecutionPlan plan, String name) {
        for (ValueSlot s : plan.values()) if (s.name().equals(name)) return s;
        return null;
    }

    /** What a kernel compiler knows about a task: its node, static descriptions and constant inputs ({@code constants}: the plan's own). */
    static NodeSpec spec(ExecutionPlan plan, ExecutionPlan.Task task, OpSchema schema, MemorySegment constants) {
        Node n = task.node();
        for (String a : n.attrs().keySet()) // (a compiled model cannot carry them: only a hand-made .om)
            if (a.startsWith(KernelPaths.PREFIX))
                throw new OpException(n, "has attribute '" + a + "': attributes named " + KernelPaths.PREFIX + "* are kernel choices that only the load-time warm-up sets, on its own small copies of nodes");
        SchemaChecker.checkAttrs(n, schema); // a hand-made or foreign .om: its attributes are the kernels' input too
        int nIn = n.inputCount();
        List<TensorDesc> in = new ArrayList<>(), out = new ArrayList<>();
        List<Tensor> consts = new ArrayList<>();
        for (int i = 0; i < nIn; i++) {
            int v = task.args()[i];
            in.add(v < 0 ? null : desc(plan.values().get(v)));
            Tensor c = n.inputValue(i) == null ? null : GraphInference.constantValue(n.inputValue(i));
            if (c == null && v >= 0 && plan.values().get(v).storage() == Storage.CONSTANT) {
                ValueSlot s = plan.values().get(v);
                c = Tensor.wrap(s.dtype(), s.shape(), constants.asSlice(s.offset(), s.bytes()));
            }
            consts.add(c);
        }
        for (int i = 0; i < n.outputCount(); i++) out.add(desc(plan.values().get(task.args()[nIn + i])));
        int opset = n.graph() == null ? -1 : n.graph().opset(n.domain());
        return new NodeSpec(n, new Attrs(n, schema), in, out, consts, opset < 0 ? schema.sinceVersion() : opset);
    }

    private static TensorDesc desc(ValueSlot s) { return TensorDesc.of(s.dtype(), s.shape()); }

    public ExecutionPlan plan() { return plan; }

    MemorySegment weights() { return kernelWeights; }

    /** The plan's own constants ({@link Storage#CONSTANT} values). */
    MemorySegment constants() { return constants; }

    CompiledKernel[] kernels() { return kernels; }

    /** Which provider's kernel runs each task (for inspection). */
    public List<String> kernelProviders() { return List.of(kernelProviders); }

    /** A fresh execution context (its own arena); contexts are not thread-safe, models are. */
    public ExecutionContext newContext() { return new ExecutionContext(this); }

    @Override public void close() {
        constantsArena.close();
        if (weightsArena != null) weightsArena.close();
    }
}
