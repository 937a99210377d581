package org.ge4j.parser.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.GraphInference;
import org.ge4j.parser.onnx.proto.AttributeProto;
import org.ge4j.parser.onnx.proto.FunctionProto;
import org.ge4j.parser.onnx.proto.GraphProto;
import org.ge4j.parser.onnx.proto.ModelProto;
import org.ge4j.parser.onnx.proto.NodeProto;
import org.ge4j.parser.onnx.proto.OperatorSetIdProto;
import org.ge4j.parser.onnx.proto.SparseTensorProto;
import org.ge4j.parser.onnx.proto.StringStringEntryProto;
import org.ge4j.parser.onnx.proto.TensorProto;
import org.ge4j.parser.onnx.proto.TypeProto;
import org.ge4j.parser.onnx.proto.ValueInfoProto;

/**
 * Builds the IR of one ONNX model: graphs with their names resolved scope by scope (a subgraph sees the
 * values of its enclosing graphs; inner names shadow outer ones), initializers as {@code Constant} nodes,
 * nodes through the {@link OnnxOpMappers} or 1:1. One instance reads one model.
 */
final class GraphReader {
    /** The names visible in one graph, chained to the enclosing graph's scope. */
    private static final class Scope {
        final Scope parent;
        final Map<String, OutDataAnchor> local = new HashMap<>();
        final Map<String, String> definedBy = new HashMap<>();
        /** Inside a function body: the call's attributes (with the function's defaults), else null. */
        final Map<String, AttributeProto> fnAttrs;
        /** How many function calls deep this scope is. */
        final int depth;

        Scope(Scope parent) {
            this.parent = parent;
            this.fnAttrs = parent == null ? null : parent.fnAttrs;
            this.depth = parent == null ? 0 : parent.depth;
        }

        /** The scope of a function body: it sees only its formal inputs. */
        Scope(Map<String, AttributeProto> fnAttrs, int depth) {
            this.parent = null;
            this.fnAttrs = fnAttrs;
            this.depth = depth;
        }

        OutDataAnchor resolve(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                OutDataAnchor a = s.local.get(name);
                if (a != null) return a;
            }
            return null;
        }
    }

    private final String source;
    private final OnnxTensors tensors;
    private final OnnxOpMappers mappers;
    private long irVersion;
    private int subgraphCount;
    private final Map<String, FunctionProto> functions = new HashMap<>();

    GraphReader(String source, OnnxTensors tensors, OnnxOpMappers mappers) {
        this.source = source;
        this.tensors = tensors;
        this.mappers = mappers;
    }

    Graph readModel(ModelProto m) {
        irVersion = m.getIrVersion();
        if (!m.hasGraph()) throw fail("the model has no graph (ModelProto.graph is not set)");
        GraphProto gp = m.getGraph();
        Graph g = new Graph(gp.getName().isEmpty() ? "main" : gp.getName());
        Set<String> seen = new HashSet<>();
        for (OperatorSetIdProto op : m.getOpsetImportList()) {
            String d = normDomain(op.getDomain());
            if (!seen.add(d)) throw fail("opset of domain '" + displayDomain(d) + "' is imported twice");
            if (op.getVersion() < 1 || op.getVersion() > Integer.MAX_VALUE)
                throw fail("opset import of domain '" + displayDomain(d) + "' has invalid version " + op.getVersion());
            g.setOpset(d, (int) op.getVersion());
        }
        if (m.getOpsetImportCount() == 0) {
            if (irVersion >= 1 && irVersion < 3) g.setOpset("", 1); // before IR 3 the opset was implied
            else throw fail("the model imports no opset (ModelProto.opset_import is empty)");
        }
        Map<String, String> md = g.metadata();
        md.put("ir_version", Long.toString(irVersion));
        if (m.hasProducerName()) md.put("producer_name", m.getProducerName());
        if (m.hasProducerVersion()) md.put("producer_version", m.getProducerVersion());
        if (m.hasDomain()) md.put("domain", m.getDomain());
        if (m.hasModelVersion()) md.put("model_version", Long.toString(m.getModelVersion()));
        if (m.hasDocString()) md.put("doc_string", m.getDocString());
        for (StringStringEntryProto e : m.getMetadataPropsList()) md.put(e.getKey(), e.getValue());
        for (FunctionProto f : m.getFunctionsList()) {
            if (f.getName().isEmpty()) throw fail("a model-local function has no name");
            String key = functionKey(normDomain(f.getDomain()), f.getName(), f.getOverload());
            if (functions.put(key, f) != null) throw fail("model-local function '" + f.getName() + "' of domain '" + displayDomain(normDomain(f.getDomain())) + "' is defined twice");
        }
        readGraph(gp, g, new Scope(null), "graph '" + g.name() + "'");
        return g;
    }

    // ---------------------------------------------------------------- graphs

    private void readGraph(GraphProto gp, Graph g, Scope scope, String where) {
        Set<String> initializers = new HashSet<>();
        for (int i = 0; i < gp.getInitializerCount(); i++) {
            TensorProto t = gp.getInitializer(i);
            String name = t.getName();
            if (name.isEmpty()) throw fail(where + ": initializer " + i + " has no name");
            String what = where + ": initializer '" + name + "'";
            checkFree(scope, name, what);
            define(scope, name, constant(g, name, tensors.read(t, what)), "initializer '" + name + "'", what);
            initializers.add(name);
        }
        for (int i = 0; i < gp.getSparseInitializerCount(); i++) {
            SparseTensorProto s = gp.getSparseInitializer(i);
            String name = s.getValues().getName();
            if (name.isEmpty()) throw fail(where + ": sparse initializer " + i + " has no name (its values tensor carries the name)");
            String what = where + ": sparse initializer '" + name + "'";
            checkFree(scope, name, what);
            define(scope, name, constant(g, name, tensors.readSparse(s, what)), "sparse initializer '" + name + "'", what);
            initializers.add(name);
        }
        for (int i = 0; i < gp.getInputCount(); i++) {
            ValueInfoProto vi = gp.getInput(i);
            String name = vi.getName();
            if (name.isEmpty()) throw fail(where + ": input " + i + " has no name");
            String what = where + ": input '" + name + "'";
            TensorDesc d = desc(vi.getType(), what);
            // An input that also has an initializer: from IR 4 on the initializer is a default the caller may
            // override; before IR 4 every initializer is listed as an input. Both are read as constants.
            if (initializers.contains(name)) continue;
            define(scope, name, g.addInput(name, d), "graph input '" + name + "'", what);
        }
        for (NodeProto np : sortedNodes(gp, where)) readNode(np, g, scope, where);
        for (int i = 0; i < gp.getOutputCount(); i++) {
            ValueInfoProto vi = gp.getOutput(i);
            String name = vi.getName();
            String what = where + ": output '" + name + "'";
            if (name.isEmpty()) throw fail(where + ": output " + i + " has no name");
            OutDataAnchor a = scope.resolve(name);
            if (a == null) throw fail(what + " is not defined (no input, initializer or node output has that name)");
            if (a.node().graph() == g) describe(a, desc(vi.getType(), what));
            g.addOutput(name, a);
        }
        for (ValueInfoProto vi : gp.getValueInfoList()) {
            OutDataAnchor a = scope.local.get(vi.getName());
            if (a != null) describe(a, desc(vi.getType(), where + ": value_info '" + vi.getName() + "'"));
        }
    }

    private void checkFree(Scope scope, String name, String what) {
        if (scope.local.containsKey(name))
            throw fail(what + ": duplicate value name '" + name + "' (also " + scope.definedBy.get(name) + ")");
    }

    private void define(Scope scope, String name, OutDataAnchor a, String by, String what) {
        String prev = scope.definedBy.putIfAbsent(name, by);
        if (prev != null) throw fail(what + ": duplicate value name '" + name + "' (already " + prev + ")");
        scope.local.put(name, a);
    }

    private static void describe(OutDataAnchor a, TensorDesc d) {
        if (d.isKnown() || d.shape().hasRank()) a.setDesc(GraphInference.merge(a.desc(), d));
    }

    private TensorDesc desc(TypeProto t, String what) { return OnnxTypes.toDesc(t, what, source); }

    /** An initializer as an ONNX {@code Constant} node whose output keeps the initializer's name. */
    private static OutDataAnchor constant(Graph g, String name, Tensor value) {
        Node n = g.addNode(Node.ONNX_DOMAIN, "Constant", name, 0);
        n.setAttr("value", Attr.of(value));
        return n.addOutput(name, value.desc());
    }

    private Graph readSubgraph(GraphProto sp, Graph enclosing, Scope scope, String where) {
        String name = sp.getName().isEmpty() ? "subgraph_" + (++subgraphCount) : sp.getName();
        Graph sub = Graph.newSubgraph(name, enclosing);
        readGraph(sp, sub, new Scope(scope), where + ": subgraph '" + name + "'");
        return sub;
    }

    // ---------------------------------------------------------------- nodes

    private void readNode(NodeProto np, Graph g, Scope scope, String where) {
        String domain = normDomain(np.getDomain());
        String desc = where + ": node '" + np.getName() + "' (" + (domain.isEmpty() ? "" : domain + "::") + np.getOpType() + ")";
        if (np.getOpType().isEmpty()) throw fail(desc + ": no op_type");
        int opset = g.opset(domain);
        FunctionProto fn = functions.get(functionKey(domain, np.getOpType(), np.getOverload()));
        if (opset < 0 && fn == null) throw fail(desc + ": the model has no opset import for domain '" + displayDomain(domain) + "'");
        List<OutDataAnchor> ins = new ArrayList<>(np.getInputCount());
        for (int i = 0; i < np.getInputCount(); i++) {
            String name = np.getInput(i);
            if (name.isEmpty()) {
                ins.add(null);
                continue;
            }
            OutDataAnchor a = scope.resolve(name);
            if (a == null)
                throw fail(desc + ": input " + i + " '" + name + "' is not defined (no graph input, initializer or earlier node output of this or an enclosing graph has that name)");
            ins.add(a);
        }
        Map<String, Attr> attrs = new LinkedHashMap<>();
        for (AttributeProto ap : np.getAttributeList()) {
            if (ap.getName().isEmpty()) throw fail(desc + ": an attribute has no name");
            if (attrs.containsKey(ap.getName())) throw fail(desc + ": attribute '" + ap.getName() + "' is given twice");
            Attr a = attr(ap, g, scope, desc);
            if (a != null) attrs.put(ap.getName(), a);
        }
        if (domain.isEmpty() && np.getOpType().equals("Constant")) attrs = constantValue(attrs, desc);
        OnnxOpMapper mapper = mappers.find(domain, np.getOpType(), opset);
        if (mapper == null && fn != null) {
            List<OutDataAnchor> outs = inline(fn, np, ins, g, scope, desc);
            for (int i = 0; i < np.getOutputCount(); i++) {
                String name = np.getOutput(i);
                if (!name.isEmpty()) define(scope, name, outs.get(i), "output " + i + " of " + desc, desc + ": output " + i);
            }
            return;
        }
        OnnxMapping mapping = new OnnxMapping(g, np, domain, opset, ins, attrs, source);
        List<OutDataAnchor> outs;
        if (mapper == null) {
            outs = mapping.mapDefault();
        } else {
            try {
                outs = mapper.map(mapping);
            } catch (Ge4jException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new OnnxParseException(source, desc + ": op mapper " + mapper.getClass().getName() + " failed: " + e, e);
            }
            if (outs == null || outs.size() != np.getOutputCount())
                throw fail(desc + ": op mapper " + mapper.getClass().getName() + " returned " + (outs == null ? "null" : outs.size() + " values")
                        + " for " + np.getOutputCount() + " outputs");
        }
        for (int i = 0; i < np.getOutputCount(); i++) {
            String name = np.getOutput(i);
            if (name.isEmpty()) continue;
            OutDataAnchor a = outs.get(i);
            if (a == null) throw fail(desc + ": op mapper " + mapper.getClass().getName() + " produced no value for output " + i + " '" + name + "'");
            define(scope, name, a, "output " + i + " of " + desc, desc + ": output " + i);
        }
    }

    /**
     * Expands a call of a model-local function in place: its body's nodes are added to {@code g} (named
     * {@code call/inner}), reading the call's inputs as the function's formal inputs, with
     * {@code ref_attr_name} attributes bound to the call's attributes or the function's defaults.
     */
    private List<OutDataAnchor> inline(FunctionProto f, NodeProto call, List<OutDataAnchor> ins, Graph g, Scope caller, String desc) {
        if (caller.depth >= 64) throw fail(desc + ": model-local functions nest more than 64 deep (recursive?)");
        if (call.getInputCount() > f.getInputCount())
            throw fail(desc + ": " + call.getInputCount() + " inputs for function '" + f.getName() + "', which takes " + f.getInputCount());
        if (call.getOutputCount() > f.getOutputCount())
            throw fail(desc + ": " + call.getOutputCount() + " outputs for function '" + f.getName() + "', which has " + f.getOutputCount());
        for (OperatorSetIdProto op : f.getOpsetImportList()) {
            String d = normDomain(op.getDomain());
            if (g.opset(d) < 0 && op.getVersion() >= 1 && op.getVersion() <= Integer.MAX_VALUE) g.setOpset(d, (int) op.getVersion());
        }
        Map<String, AttributeProto> bind = new HashMap<>();
        for (AttributeProto d : f.getAttributeProtoList()) bind.put(d.getName(), d);
        for (AttributeProto a : call.getAttributeList()) {
            if (a.hasRefAttrName()) {
                AttributeProto outer = caller.fnAttrs == null ? null : caller.fnAttrs.get(a.getRefAttrName());
                if (caller.fnAttrs == null) throw fail(desc + ": attribute '" + a.getName() + "' refers to a function attribute outside a function");
                if (outer != null) bind.put(a.getName(), outer.toBuilder().setName(a.getName()).build());
            } else {
                bind.put(a.getName(), a);
            }
        }
        Scope fs = new Scope(bind, caller.depth + 1);
        for (int i = 0; i < f.getInputCount(); i++) {
            OutDataAnchor a = i < ins.size() ? ins.get(i) : null;
            if (a != null) define(fs, f.getInput(i), a, "function input '" + f.getInput(i) + "'", desc + ": function input " + i);
        }
        String where = desc + ": function '" + f.getName() + "'";
        String prefix = call.getName().isEmpty() ? f.getName() + "/" : call.getName() + "/";
        for (NodeProto bn : f.getNodeList()) readNode(bn.toBuilder().setName(prefix + bn.getName()).build(), g, fs, where);
        List<OutDataAnchor> outs = new ArrayList<>();
        for (int i = 0; i < call.getOutputCount(); i++) {
            if (call.getOutput(i).isEmpty()) {
                outs.add(null);
                continue;
            }
            OutDataAnchor a = fs.local.get(f.getOutput(i));
            if (a == null) throw fail(where + ": output '" + f.getOutput(i) + "' is not defined by the function body");
            outs.add(a);
        }
        return outs;
    }

    private static String functionKey(String domain, String name, String overload) {
        return domain + "::" + name + (overload.isEmpty() ? "" : "::" + overload);
    }

    /** The nodes in a topological order (ONNX requires one; tolerate files that are not sorted). */
    private List<NodeProto> sortedNodes(GraphProto gp, String where) {
        int n = gp.getNodeCount();
        Set<String> given = new HashSet<>();
        for (ValueInfoProto v : gp.getInputList()) given.add(v.getName());
        for (TensorProto t : gp.getInitializerList()) given.add(t.getName());
        for (SparseTensorProto t : gp.getSparseInitializerList()) given.add(t.getValues().getName());
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < n; i++)
            for (String o : gp.getNode(i).getOutputList()) {
                if (o.isEmpty()) continue;
                if (given.contains(o))
                    throw fail(where + ": duplicate value name '" + o + "': output of node '" + gp.getNode(i).getName() + "' (" + gp.getNode(i).getOpType()
                            + ") and a graph input or initializer");
                Integer prev = producer.put(o, i);
                if (prev != null)
                    throw fail(where + ": duplicate value name '" + o + "': output of node '" + gp.getNode(prev).getName() + "' (" + gp.getNode(prev).getOpType()
                            + ") and of node '" + gp.getNode(i).getName() + "' (" + gp.getNode(i).getOpType() + ")");
            }
        List<Set<Integer>> preds = new ArrayList<>(n);
        boolean inOrder = true;
        for (int i = 0; i < n; i++) {
            Set<Integer> p = new HashSet<>();
            for (String d : uses(gp.getNode(i))) {
                Integer j = producer.get(d);
                if (j == null) continue;
                if (j == i) throw fail(where + ": node '" + gp.getNode(i).getName() + "' (" + gp.getNode(i).getOpType() + ") consumes its own output '" + d + "'");
                p.add(j);
                if (j > i) inOrder = false;
            }
            preds.add(p);
        }
        if (inOrder) return gp.getNodeList();
        int[] indeg = new int[n];
        List<List<Integer>> succ = new ArrayList<>(n);
        for (int i = 0; i < n; i++) succ.add(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            indeg[i] = preds.get(i).size();
            for (int j : preds.get(i)) succ.get(j).add(i);
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) if (indeg[i] == 0) ready.add(i);
        List<NodeProto> order = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(gp.getNode(i));
            for (int s : succ.get(i)) if (--indeg[s] == 0) ready.add(s);
        }
        if (order.size() != n) {
            List<String> stuck = new ArrayList<>();
            for (int i = 0; i < n && stuck.size() < 8; i++) if (indeg[i] > 0) stuck.add("'" + gp.getNode(i).getName() + "' (" + gp.getNode(i).getOpType() + ")");
            throw fail(where + ": the nodes form a cycle through " + String.join(", ", stuck));
        }
        return order;
    }

    /** The names a node reads: its inputs and the free names of its subgraphs. */
    private static Set<String> uses(NodeProto np) {
        Set<String> s = new HashSet<>(np.getInputList());
        for (AttributeProto a : np.getAttributeList()) {
            if (a.hasG()) s.addAll(freeNames(a.getG()));
            for (GraphProto g : a.getGraphsList()) s.addAll(freeNames(g));
        }
        s.remove("");
        return s;
    }

    /** Names a graph reads but does not define: its references to enclosing scopes. */
    private static Set<String> freeNames(GraphProto g) {
        Set<String> defined = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) defined.add(v.getName());
        for (TensorProto t : g.getInitializerList()) defined.add(t.getName());
        for (SparseTensorProto t : g.getSparseInitializerList()) defined.add(t.getValues().getName());
        for (NodeProto n : g.getNodeList()) defined.addAll(n.getOutputList());
        Set<String> used = new HashSet<>();
        for (NodeProto n : g.getNodeList()) used.addAll(uses(n));
        for (ValueInfoProto v : g.getOutputList()) used.add(v.getName());
        used.removeAll(defined);
        used.remove("");
        return used;
    }

    // ---------------------------------------------------------------- attributes

    private Attr attr(AttributeProto ap, Graph g, Scope scope, String nodeDesc) {
        String what = nodeDesc + ": attribute '" + ap.getName() + "'";
        if (ap.hasRefAttrName()) {
            if (scope.fnAttrs == null)
                throw fail(what + ": refers to function attribute '" + ap.getRefAttrName() + "', which only a function body may do");
            AttributeProto bound = scope.fnAttrs.get(ap.getRefAttrName());
            if (bound == null) return null; // not given at the call and no default: the attribute is absent
            ap = bound.toBuilder().setName(ap.getName()).build();
        }
        AttributeProto.AttributeType t = ap.hasType() ? ap.getType() : AttributeProto.AttributeType.UNDEFINED;
        if (t == AttributeProto.AttributeType.UNDEFINED) t = guessType(ap, what);
        return switch (t) {
            case FLOAT -> Attr.of(ap.getF());
            case INT -> Attr.of(ap.getI());
            case STRING -> Attr.of(ap.getS().toStringUtf8());
            case TENSOR -> Attr.of(tensors.read(ap.getT(), what));
            case SPARSE_TENSOR -> Attr.of(tensors.readSparse(ap.getSparseTensor(), what));
            case GRAPH -> Attr.of(readSubgraph(ap.getG(), g, scope, what));
            case TYPE_PROTO -> new Attr.TypeValue(desc(ap.getTp(), what));
            case FLOATS -> {
                float[] v = new float[ap.getFloatsCount()];
                for (int i = 0; i < v.length; i++) v[i] = ap.getFloats(i);
                yield new Attr.Floats(v);
            }
            case INTS -> {
                long[] v = new long[ap.getIntsCount()];
                for (int i = 0; i < v.length; i++) v[i] = ap.getInts(i);
                yield new Attr.Ints(v);
            }
            case STRINGS -> {
                List<String> v = new ArrayList<>(ap.getStringsCount());
                for (int i = 0; i < ap.getStringsCount(); i++) v.add(ap.getStrings(i).toStringUtf8());
                yield Attr.ofStrings(v);
            }
            case TENSORS -> {
                List<Tensor> v = new ArrayList<>();
                for (int i = 0; i < ap.getTensorsCount(); i++) v.add(tensors.read(ap.getTensors(i), what + " tensor " + i));
                yield new Attr.Tensors(v);
            }
            case SPARSE_TENSORS -> {
                List<Tensor> v = new ArrayList<>();
                for (int i = 0; i < ap.getSparseTensorsCount(); i++) v.add(tensors.readSparse(ap.getSparseTensors(i), what + " tensor " + i));
                yield new Attr.Tensors(v);
            }
            case GRAPHS -> {
                List<Graph> v = new ArrayList<>();
                for (int i = 0; i < ap.getGraphsCount(); i++) v.add(readSubgraph(ap.getGraphs(i), g, scope, what + " graph " + i));
                yield new Attr.Graphs(v);
            }
            case TYPE_PROTOS -> {
                List<TensorDesc> v = new ArrayList<>();
                for (int i = 0; i < ap.getTypeProtosCount(); i++) v.add(desc(ap.getTypeProtos(i), what + " type " + i));
                yield new Attr.Types(v);
            }
            case UNDEFINED -> throw fail(what + ": has no value");
        };
    }

    /** Models written before AttributeProto.type existed say the type only by the field they set. */
    private AttributeProto.AttributeType guessType(AttributeProto ap, String what) {
        if (ap.hasT()) return AttributeProto.AttributeType.TENSOR;
        if (ap.hasG()) return AttributeProto.AttributeType.GRAPH;
        if (ap.hasSparseTensor()) return AttributeProto.AttributeType.SPARSE_TENSOR;
        if (ap.hasTp()) return AttributeProto.AttributeType.TYPE_PROTO;
        if (ap.hasS()) return AttributeProto.AttributeType.STRING;
        if (ap.hasI()) return AttributeProto.AttributeType.INT;
        if (ap.hasF()) return AttributeProto.AttributeType.FLOAT;
        if (ap.getFloatsCount() > 0) return AttributeProto.AttributeType.FLOATS;
        if (ap.getIntsCount() > 0) return AttributeProto.AttributeType.INTS;
        if (ap.getStringsCount() > 0) return AttributeProto.AttributeType.STRINGS;
        if (ap.getTensorsCount() > 0) return AttributeProto.AttributeType.TENSORS;
        if (ap.getGraphsCount() > 0) return AttributeProto.AttributeType.GRAPHS;
        if (ap.getSparseTensorsCount() > 0) return AttributeProto.AttributeType.SPARSE_TENSORS;
        if (ap.getTypeProtosCount() > 0) return AttributeProto.AttributeType.TYPE_PROTOS;
        throw fail(what + ": has neither a type nor a value");
    }

    /** ONNX {@code Constant} says its value in one of eight attributes; the IR always uses {@code value}. */
    private Map<String, Attr> constantValue(Map<String, Attr> attrs, String desc) {
        if (attrs.size() != 1)
            throw fail(desc + ": Constant needs exactly one of value, sparse_value, value_float, value_floats, value_int, value_ints, value_string,"
                    + " value_strings; it has " + (attrs.isEmpty() ? "none" : String.join(", ", attrs.keySet())));
        Map.Entry<String, Attr> e = attrs.entrySet().iterator().next();
        String name = e.getKey();
        Attr a = e.getValue();
        Tensor t = switch (name) {
            case "value", "sparse_value" -> a instanceof Attr.TensorValue tv ? tv.value() : null;
            case "value_float" -> a instanceof Attr.Float f ? Tensor.scalar(f.value()) : null;
            case "value_floats" -> a instanceof Attr.Floats f ? Tensor.of(f.value(), new long[] {f.value().length}) : null;
            case "value_int" -> a instanceof Attr.Int i ? Tensor.scalar(i.value()) : null;
            case "value_ints" -> a instanceof Attr.Ints i ? Tensor.of(i.value(), new long[] {i.value().length}) : null;
            case "value_string" -> a instanceof Attr.Str s ? Tensor.of(new String[] {s.value()}).reshape() : null;
            case "value_strings" -> a instanceof Attr.Strs s ? Tensor.of(s.value().toArray(new String[0]), new long[] {s.value().size()}) : null;
            default -> throw fail(desc + ": Constant has unknown attribute '" + name + "'");
        };
        if (t == null) throw fail(desc + ": Constant attribute '" + name + "' has the wrong type " + a.type());
        Map<String, Attr> m = new LinkedHashMap<>();
        m.put("value", Attr.of(t));
        return m;
    }

    // ---------------------------------------------------------------- helpers

    static String normDomain(String d) { return d == null || d.equals("ai.onnx") ? "" : d; }

    private static String displayDomain(String d) { return d.isEmpty() ? "ai.onnx" : d; }

    private OnnxParseException fail(String message) { return new OnnxParseException(source, message); }

}
