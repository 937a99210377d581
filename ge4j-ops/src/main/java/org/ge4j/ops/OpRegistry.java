package org.ge4j.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Node;

/**
 * The op library as a registry of typed facts: schemas keyed (domain, type, since-version) and kernels
 * keyed (provider, domain, type). {@link #global()} holds every {@link OpLibrary} found by ServiceLoader.
 *
 * <p>Lazy parts: a library listed in ge4j's op index ({@value #INDEX}: which ops each {@link OpLibrary#parts() part}
 * registers) is not registered when the registry is made; each of its parts is, the first time an op it registers
 * is looked up (a model with a handful of op types loads a handful of parts' classes, not all 800 op classes).
 * Registrations keep the order of an eager fill: a later library's registration of the same op replaces an
 * earlier one's, whichever part loads first. Thread-safe.
 */
public final class OpRegistry {
    /** The provider name of the naive reference kernels (always present: the oracle). */
    public static final String REFERENCE = "reference";
    /** The provider name of the fast Vector API kernels. */
    public static final String VECTOR = "vector";
    /** The class-path resource that lists which ops each part of ge4j's own libraries registers. */
    public static final String INDEX = "META-INF/ge4j/op-index.txt";

    private static volatile OpRegistry global;

    private final Map<String, NavigableMap<Integer, OpSchema>> schemas = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Kernel>> kernels = new ConcurrentHashMap<>();
    private final Map<String, Map<String, org.ge4j.ops.exec.KernelCompiler>> compilers = new ConcurrentHashMap<>();
    private final List<String> libraries = new CopyOnWriteArrayList<>();
    /** Parts not registered yet, by every op key they register (each list in registration order). */
    private final Map<String, List<Part>> pending = new ConcurrentHashMap<>();
    /** The rank of the registration in force per slot (guarded by this): a lower rank never replaces a higher. */
    private final Map<String, Integer> ranks = new HashMap<>();
    private int nextRank, installing = -1; // guarded by this

    /** One lazily registered part of a library, and its place in the registration order. */
    private static final class Part {
        final OpLibrary lib;
        final int part, rank;
        boolean loaded; // guarded by the registry

        Part(OpLibrary lib, int part, int rank) {
            this.lib = lib;
            this.part = part;
            this.rank = rank;
        }
    }

    /** An empty registry. */
    public OpRegistry() {}

    /** The registry of every op library on the class path (made once; ge4j's own libraries' parts register when first needed). */
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

    /** A registry filled from every {@link OpLibrary} visible to {@code loader} (indexed libraries' parts when first needed). */
    public static OpRegistry load(ClassLoader loader) {
        OpRegistry r = new OpRegistry();
        Map<String, List<String[]>> index = Index.PARTS;
        for (OpLibrary lib : ServiceLoader.load(OpLibrary.class, loader)) r.add(lib, index);
        if (loader != Thread.currentThread().getContextClassLoader() && Thread.currentThread().getContextClassLoader() != null)
            for (OpLibrary lib : ServiceLoader.load(OpLibrary.class, Thread.currentThread().getContextClassLoader()))
                if (!r.libraries.contains(lib.name())) r.add(lib, index);
        return r;
    }

    /** Installs {@code lib} now, or, when the index lists its parts, each part when one of its ops is first looked up. */
    private synchronized void add(OpLibrary lib, Map<String, List<String[]>> index) {
        List<String[]> parts = index.get(lib.getClass().getName());
        if (parts == null || parts.size() != lib.parts()) {
            install(lib);
            return;
        }
        for (int p = 0; p < parts.size(); p++) {
            Part part = new Part(lib, p, nextRank++);
            for (String key : parts.get(p)) pending.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(part);
        }
        libraries.add(lib.name());
    }

    public synchronized void install(OpLibrary lib) {
        int saved = installing;
        installing = nextRank++;
        try {
            lib.register(this);
        } catch (RuntimeException e) {
            throw new Ge4jException("op library '" + lib.name() + "' (" + lib.getClass().getName() + ") failed to register: " + e.getMessage(), e);
        } finally {
            installing = saved;
        }
        libraries.add(lib.name());
    }

    public List<String> libraries() { return List.copyOf(libraries); }

    private static String key(String domain, String type) {
        return (domain == null || domain.equals("ai.onnx") ? "" : domain) + "::" + type;
    }

    // ---------------------------------------------------------------- lazy parts

    /** Registers the parts that register {@code key} and have not yet (a no-op once every part is in). */
    private void ensure(String key) {
        if (pending.isEmpty()) return;
        List<Part> parts = pending.get(key);
        if (parts != null) load(key, parts);
    }

    private synchronized void load(String key, List<Part> parts) {
        for (Part p : parts) load(p);
        pending.remove(key);
    }

    private synchronized void load(Part p) {
        if (p.loaded) return;
        p.loaded = true;
        int saved = installing;
        installing = p.rank;
        try {
            p.lib.register(this, p.part);
        } catch (RuntimeException e) {
            throw new Ge4jException("op library '" + p.lib.name() + "' (" + p.lib.getClass().getName() + ") failed to register its part " + p.part + ": " + e.getMessage(), e);
        } finally {
            installing = saved;
        }
    }

    /** Registers every part not registered yet. */
    private synchronized void ensureAll() {
        if (pending.isEmpty()) return;
        List<Part> all = new ArrayList<>();
        for (List<Part> l : pending.values()) all.addAll(l);
        all.sort((a, b) -> Integer.compare(a.rank, b.rank));
        for (Part p : all) load(p);
        pending.clear();
    }

    /** Whether {@code slot} takes a registration of the rank in force (a later one than the slot's, or the same). */
    private boolean claim(String slot, int rank) {
        Integer old = ranks.get(slot);
        if (old != null && old > rank) return false;
        ranks.put(slot, rank);
        return true;
    }

    private int rank() { return installing >= 0 ? installing : nextRank++; }

    // ---------------------------------------------------------------- registering

    /** Registers a schema; a later registration for the same (domain, type, version) replaces the earlier. */
    public synchronized OpRegistry register(OpSchema s) {
        String k = key(s.domain(), s.type());
        if (claim("s" + k + '#' + s.sinceVersion(), rank())) schemas.computeIfAbsent(k, x -> new ConcurrentSkipListMap<>()).put(s.sinceVersion(), s);
        return this;
    }

    public synchronized OpRegistry registerKernel(String provider, String domain, String type, Kernel k) {
        String key = key(domain, type);
        if (claim("k" + provider + ' ' + key, rank())) kernels.computeIfAbsent(provider, p -> new ConcurrentHashMap<>()).put(key, k);
        return this;
    }

    /** Registers a reference kernel for an op of the ONNX default domain. */
    public OpRegistry registerReference(String type, Kernel k) { return registerKernel(REFERENCE, "", type, k); }

    /** Registers a compile-time kernel factory (a fast kernel specialised to static shapes) for an op. */
    public synchronized OpRegistry registerCompiler(String provider, String domain, String type, org.ge4j.ops.exec.KernelCompiler c) {
        return putCompiler(provider, domain, type, c, rank());
    }

    /**
     * Registers a kernel compiler for an op that no other compiler of {@code provider} covers: any other
     * registration for it, before or after this one, replaces it.
     */
    public synchronized OpRegistry registerFallbackCompiler(String provider, String domain, String type, org.ge4j.ops.exec.KernelCompiler c) {
        return putCompiler(provider, domain, type, c, Integer.MIN_VALUE);
    }

    private OpRegistry putCompiler(String provider, String domain, String type, org.ge4j.ops.exec.KernelCompiler c, int rank) {
        String key = key(domain, type);
        if (claim("c" + provider + ' ' + key, rank)) compilers.computeIfAbsent(provider, p -> new ConcurrentHashMap<>()).put(key, c);
        return this;
    }

    // ---------------------------------------------------------------- looking up

    /** The schema in force at {@code opset} (the highest since-version ≤ opset); opset &lt; 0 = newest; null if none. */
    public OpSchema schema(String domain, String type, int opset) {
        NavigableMap<Integer, OpSchema> m = versionsOf(key(domain, type));
        if (m == null || m.isEmpty()) return null;
        if (opset < 0) return m.lastEntry().getValue();
        Map.Entry<Integer, OpSchema> e = m.floorEntry(opset);
        return e == null ? null : e.getValue();
    }

    /**
     * The versions of the op of {@code key}, after registering the parts that register it; an op no indexed part
     * registers registers every part first (a library changed since its index was made still finds its ops).
     */
    private NavigableMap<Integer, OpSchema> versionsOf(String key) {
        ensure(key);
        NavigableMap<Integer, OpSchema> m = schemas.get(key);
        if (m == null && !pending.isEmpty()) {
            ensureAll();
            m = schemas.get(key);
        }
        return m;
    }

    /** The schema for a node at its graph's opset for its domain; null if the op is unknown. */
    public OpSchema schemaFor(Node n) {
        int opset = n.graph() == null ? -1 : n.graph().opset(n.domain());
        return schema(n.domain(), n.type(), opset);
    }

    /** Every version of an op, oldest first. */
    public List<OpSchema> versions(String domain, String type) {
        NavigableMap<Integer, OpSchema> m = versionsOf(key(domain, type));
        return m == null ? List.of() : List.copyOf(m.values());
    }

    public boolean isKnown(String domain, String type) { return versionsOf(key(domain, type)) != null; }

    /** The newest schema of every registered op. */
    public Collection<OpSchema> schemas() {
        ensureAll();
        List<OpSchema> l = new ArrayList<>();
        for (NavigableMap<Integer, OpSchema> m : schemas.values()) l.add(m.lastEntry().getValue());
        l.sort((a, b) -> a.qualifiedType().compareTo(b.qualifiedType()));
        return l;
    }

    public Kernel kernel(String provider, String domain, String type) {
        String key = key(domain, type);
        ensure(key);
        Map<String, Kernel> m = kernels.get(provider);
        return m == null ? null : m.get(key);
    }

    public org.ge4j.ops.exec.KernelCompiler compiler(String provider, String domain, String type) {
        String key = key(domain, type);
        ensure(key);
        Map<String, org.ge4j.ops.exec.KernelCompiler> m = compilers.get(provider);
        return m == null ? null : m.get(key);
    }

    /** Whether the op of {@code n} has a schema and a kernel of {@code provider}. */
    public boolean hasKernel(String provider, Node n) { return kernel(provider, n.domain(), n.type()) != null; }

    /** The (domain::type) keys of every op this registry holds a schema, kernel or compiler for (the op index's lines). */
    Set<String> keys() {
        ensureAll();
        Set<String> s = new TreeSet<>(schemas.keySet());
        kernels.values().forEach(m -> s.addAll(m.keySet()));
        compilers.values().forEach(m -> s.addAll(m.keySet()));
        return s;
    }

    /** The op index of ge4j's own libraries ({@value #INDEX}), read once: library class -> the keys of each part. */
    static final class Index {
        static final Map<String, List<String[]>> PARTS = read();

        private Index() {}

        /** Lines {@code <library class> <part> <key>...}, parts in order; a missing or unreadable index: none (every library eager). */
        private static Map<String, List<String[]>> read() {
            Map<String, List<String[]>> m = new HashMap<>();
            try (InputStream in = OpRegistry.class.getClassLoader().getResourceAsStream(INDEX)) {
                if (in == null) return m;
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.isBlank() || line.startsWith("#")) continue;
                    String[] f = line.trim().split(" ");
                    List<String[]> parts = m.computeIfAbsent(f[0], k -> new ArrayList<>());
                    if (f.length < 2 || Integer.parseInt(f[1]) != parts.size()) return Map.of(); // malformed: eager
                    parts.add(java.util.Arrays.copyOfRange(f, 2, f.length));
                }
            } catch (IOException | RuntimeException e) {
                return Map.of();
            }
            return m;
        }

        /** The index lines of {@code lib}: each part registered alone into an empty registry. */
        static List<String> lines(OpLibrary lib) {
            List<String> lines = new ArrayList<>();
            for (int p = 0; p < lib.parts(); p++) {
                OpRegistry r = new OpRegistry();
                lib.register(r, p);
                lines.add(lib.getClass().getName() + " " + p + " " + String.join(" ", r.keys()));
            }
            return lines;
        }
    }
}
