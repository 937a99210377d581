package org.ge4j.parser.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ge4j.ir.Ge4jException;

/** The parser plugins, keyed (domain, op type, opset range). {@link #global()} holds those found by ServiceLoader. */
public final class OnnxOpMappers {
    private static volatile OnnxOpMappers global;

    private final Map<String, List<OnnxOpMapper>> byOp = new ConcurrentHashMap<>();

    /** An empty set of mappers (every node maps 1:1). */
    public OnnxOpMappers() {}

    /** The mappers of every jar on the class path (loaded once). */
    public static OnnxOpMappers global() {
        OnnxOpMappers m = global;
        if (m == null) {
            synchronized (OnnxOpMappers.class) {
                m = global;
                if (m == null) global = m = load(OnnxOpMappers.class.getClassLoader());
            }
        }
        return m;
    }

    /** The mappers visible to {@code loader} (and to the thread's context class loader). */
    public static OnnxOpMappers load(ClassLoader loader) {
        OnnxOpMappers m = new OnnxOpMappers();
        List<String> seen = new ArrayList<>();
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(loader);
        ClassLoader ctx = Thread.currentThread().getContextClassLoader();
        if (ctx != null && ctx != loader) loaders.add(ctx);
        for (ClassLoader l : loaders) {
            try {
                for (OnnxOpMapper x : ServiceLoader.load(OnnxOpMapper.class, l))
                    if (!seen.contains(x.getClass().getName())) {
                        seen.add(x.getClass().getName());
                        m.add(x);
                    }
            } catch (java.util.ServiceConfigurationError e) {
                throw new Ge4jException("cannot load ONNX op mappers: " + e.getMessage(), e);
            }
        }
        return m;
    }

    private static String key(String domain, String type) {
        return (domain == null || domain.equals("ai.onnx") ? "" : domain) + "::" + type;
    }

    public OnnxOpMappers add(OnnxOpMapper mapper) {
        if (mapper.sinceVersion() > mapper.untilVersion())
            throw new IllegalArgumentException("mapper " + mapper.getClass().getName() + " has an empty opset range");
        byOp.computeIfAbsent(key(mapper.domain(), mapper.opType()), k -> new CopyOnWriteArrayList<>()).add(mapper);
        return this;
    }

    /** A new set holding these mappers and {@code other}'s. */
    public OnnxOpMappers with(OnnxOpMappers other) {
        OnnxOpMappers m = new OnnxOpMappers();
        byOp.values().forEach(l -> l.forEach(m::add));
        other.byOp.values().forEach(l -> l.forEach(m::add));
        return m;
    }

    /** The mapper for a node of (domain, type) at {@code opset}, or null for the default 1:1 mapping. */
    public OnnxOpMapper find(String domain, String type, int opset) {
        List<OnnxOpMapper> l = byOp.get(key(domain, type));
        if (l == null) return null;
        OnnxOpMapper best = null;
        for (OnnxOpMapper m : l)
            if (opset >= m.sinceVersion() && opset <= m.untilVersion() && (best == null || m.sinceVersion() >= best.sinceVersion())) best = m;
        return best;
    }

    public boolean isEmpty() { return byOp.isEmpty(); }
}
