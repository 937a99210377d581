package org.ge4j.ops;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Node;

/**
 * The op library as a registry of typed facts: schemas keyed (domain, type, since-version) and kernels
 * keyed (provider, domain, type). {@link #global()} holds every {@link OpLibrary} found by ServiceLoader.
 */
public final class OpRegistry {
    /** The provider name of the naive reference kernels (always present: the oracle). */
    public static final String REFERENCE = "reference";
    /** The provider name of the fast Vector API kernels. */
    public static final String VECTOR = "vector";

    private static volatile OpRegistry global;

    private final Map<String, TreeMap<Integer, OpSchema>> schemas = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Kernel>> kernels = new ConcurrentHashMap<>();
    private final Map<String, Map<String, org.ge4j.ops.exec.KernelCompiler>> compilers = new ConcurrentHashMap<>();
    private final List<String> libraries = new ArrayList<>();

    /** An empty registry. */
    public OpRegistry() {}

    /** The registry of every op library on the class path (loaded once). */
    public static OpRegistry global() {
        OpRegistry r = global;
        if (r == null) {
            synchronized (OpRegistry.class) {
                r = global;
                if (r == null) global = r = load(OpRegistry.class.getClassLoader());
            }
        }
        return r;
    }

    /** A registry filled from every {@link OpLibrary} visible to {@code loader}. */
    public static OpRegistry load(ClassLoader loader) {
        OpRegistry r = new OpRegistry();
        for (OpLibrary lib : ServiceLoader.load(OpLibrary.class, loader)) r.install(lib);
        if (loader != Thread.currentThread().getContextClassLoader() && Thread.currentThread().getContextClassLoader() != null)
            for (OpLibrary lib : ServiceLoader.load(OpLibrary.class, Thread.currentThread().getContextClassLoader()))
                if (!r.libraries.contains(lib.name())) r.install(lib);
        return r;
    }

    public synchronized void install(OpLibrary lib) {
        try {
            lib.register(this);
        } catch (RuntimeException e) {
            throw new Ge4jException("op library '" + lib.name() + "' (" + lib.getClass().getName() + ") failed to register: " + e.getMessage(), e);
        }
        libraries.add(lib.name());
    }

    public List<String> libraries() { return List.copyOf(libraries); }

    private static String key(String domain, String type) {
        return (domain == null || domain.equals("ai.onnx") ? "" : domain) + "::" + type;
    }

    /** Registers a schema; a later registration for the same (domain, type, version) replaces the earlier. */
    public OpRegistry register(OpSchema s) {
        schemas.computeIfAbsent(key(s.domain(), s.type()), k -> new TreeMap<>()).put(s.sinceVersion(), s);
        return this;
    }

    public OpRegistry registerKernel(String provider, String domain, String type, Kernel k) {
        kernels.computeIfAbsent(provider, p -> new HashMap<>()).put(key(domain, type), k);
        return this;
    }

    /** Registers a reference kernel for an op of the ONNX default domain. */
    public OpRegistry registerReference(String type, Kernel k) { return registerKernel(REFERENCE, "", type, k); }

    /** The schema in force at {@code opset} (the highest since-version ≤ opset); opset &lt; 0 = newest; null if none. */
    public OpSchema schema(String domain, String type, int opset) {
        TreeMap<Integer, OpSchema> m = schemas.get(key(domain, type));
        if (m == null || m.isEmpty()) return null;
        if (opset < 0) return m.lastEntry().getValue();
        Map.Entry<Integer, OpSchema> e = m.floorEntry(opset);
        return e == null ? null : e.getValue();
    }

    /** The schema for a node at its graph's opset for its domain; null if the op is unknown. */
    public OpSchema schemaFor(Node n) {
        int opset = n.graph() == null ? -1 : n.graph().opset(n.domain());
        return schema(n.domain(), n.type(), opset);
    }

    /** Every version of an op, oldest first. */
    public List<OpSchema> versions(String domain, String type) {
        TreeMap<Integer, OpSchema> m = schemas.get(key(domain, type));
        return m == null ? List.of() : List.copyOf(m.values());
    }

    public boolean isKnown(String domain, String type) { return schemas.containsKey(key(domain, type)); }

    /** The newest schema of every registered op. */
    public Collection<OpSchema> schemas() {
        List<OpSchema> l = new ArrayList<>();
        for (TreeMap<Integer, OpSchema> m : schemas.values()) l.add(m.lastEntry().getValue());
        l.sort((a, b) -> a.qualifiedType().compareTo(b.qualifiedType()));
        return l;
    }

    public Kernel kernel(String provider, String domain, String type) {
        Map<String, Kernel> m = kernels.get(provider);
        return m == null ? null : m.get(key(domain, type));
    }

    /** Registers a compile-time kernel factory (a fast kernel specialised to static shapes) for an op. */
    public OpRegistry registerCompiler(String provider, String domain, String type, org.ge4j.ops.exec.KernelCompiler c) {
        compilers.computeIfAbsent(provider, p -> new HashMap<>()).put(key(domain, type), c);
        return this;
    }

    public org.ge4j.ops.exec.KernelCompiler compiler(String provider, String domain, String type) {
        Map<String, org.ge4j.ops.exec.KernelCompiler> m = compilers.get(provider);
        return m == null ? null : m.get(key(domain, type));
    }

    /** Whether the op of {@code n} has a schema and a kernel of {@code provider}. */
    public boolean hasKernel(String provider, Node n) { return kernel(provider, n.domain(), n.type()) != null; }
}
