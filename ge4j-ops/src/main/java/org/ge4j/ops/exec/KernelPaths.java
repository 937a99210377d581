package org.ge4j.ops.exec;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Node;

/**
 * The choices a compiled kernel made for its node that decide which of its code paths run and that a smaller
 * copy of the node would not make by itself (e.g. the group width of a blocked 1×1 conv, the Winograd tile): named
 * int values. A kernel reports them ({@link CompiledKernel#paths}, and {@link KernelCompiler#paths} without
 * preparing the kernel); a warm-up that runs a miniature of the node, so that the JIT compiles the node's code paths
 * before its first run, sets them on the miniature's node ({@link #forceOn}); the kernel compiler reads them back
 * ({@link #forcedOn}) and takes them whatever the miniature's shape, as far as that shape allows.
 *
 * <p>The names are private attribute names ({@link #PREFIX}): in no op's schema, so a model that carries one fails
 * its schema check, and only ever set on a warm-up's miniature nodes (their own one-node graphs), never on a model's.
 */
public record KernelPaths(Map<String, Long> choices) {
    /** What every choice's name starts with. */
    public static final String PREFIX = "_ge4j_";
    /** No choices. */
    public static final KernelPaths NONE = new KernelPaths(Map.of());

    public KernelPaths {
        for (String k : choices.keySet())
            if (k == null || !k.startsWith(PREFIX) || k.length() == PREFIX.length())
                throw new IllegalArgumentException("a kernel path choice is named " + PREFIX + "<name>, got '" + k + "'");
        choices = Collections.unmodifiableMap(new TreeMap<>(choices));
    }

    /** One choice. */
    public static KernelPaths of(String name, long value) { return NONE.with(name, value); }

    /** These choices and {@code name} = {@code value}. */
    public KernelPaths with(String name, long value) {
        Map<String, Long> m = new TreeMap<>(choices);
        m.put(name, value);
        return new KernelPaths(m);
    }

    /** The value of choice {@code name}, or {@code otherwise} when it was not made. */
    public long get(String name, long otherwise) {
        Long v = choices.get(name);
        return v == null ? otherwise : v;
    }

    public boolean isEmpty() { return choices.isEmpty(); }

    /** Sets the choices on {@code n} (a warm-up's miniature node), as int attributes. */
    public void forceOn(Node n) { choices.forEach((k, v) -> n.setAttr(k, new Attr.Int(v))); }

    /** The choices forced on the node of {@code s} ({@link #forceOn}): its int attributes named with {@link #PREFIX}. */
    public static KernelPaths forcedOn(NodeSpec s) {
        Map<String, Long> m = null;
        for (Map.Entry<String, Attr> e : s.node().attrs().entrySet()) {
            if (!e.getKey().startsWith(PREFIX) || !(e.getValue() instanceof Attr.Int i)) continue;
            if (m == null) m = new TreeMap<>();
            m.put(e.getKey(), i.value());
        }
        return m == null ? NONE : new KernelPaths(m);
    }

    @Override public String toString() { return choices.toString(); }
}
