package org.ge4j.ir;

import java.util.Objects;

/**
 * One dimension of a {@link Shape}: a static size, a named symbolic size ({@code batch}) or unknown.
 */
public sealed interface Dim {
    /** A dimension with a known size. */
    record Static(long value) implements Dim {
        public Static {
            if (value < 0) throw new IllegalArgumentException("negative dimension " + value);
        }
        @Override public String toString() { return Long.toString(value); }
    }

    /** A dimension with a symbolic name; equal names mean equal sizes within one graph. */
    record Symbolic(String name) implements Dim {
        public Symbolic {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty()) throw new IllegalArgumentException("empty symbolic dimension name");
        }
        @Override public String toString() { return name; }
    }

    /** A dimension about which nothing is known. */
    record Unknown() implements Dim {
        @Override public String toString() { return "?"; }
    }

    Unknown UNKNOWN = new Unknown();

    static Dim of(long value) { return new Static(value); }

    static Dim of(String name) { return new Symbolic(name); }

    default boolean isStatic() { return this instanceof Static; }

    /** The size if static, else -1. */
    default long valueOr(long fallback) { return this instanceof Static s ? s.value() : fallback; }
}
