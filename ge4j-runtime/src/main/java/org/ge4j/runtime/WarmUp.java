package org.ge4j.runtime;

import java.util.Locale;

/**
 * Whether a model warms its fast kernels up when it is loaded: the JIT needs many calls before it compiles a
 * Vector API kernel with C2, and until then the kernel runs tens to hundreds of times slower. Warming up runs a
 * tiny copy of each kind of kernel of the model (same code paths, a few thousand flops) until the JIT has
 * settled, so that the first real run is already fast. Results are bit-identical either way.
 */
public enum WarmUp {
    /** No warm-up: the first runs are slow while the JIT catches up. */
    OFF,
    /** Warm up on a background thread started at load (overlapping the caller's own work); the first run waits for it. */
    BACKGROUND,
    /** Warm up before load returns. */
    BLOCKING;

    /** The system property naming the default mode for {@code CompiledModel.load}: off, background or blocking. */
    public static final String PROPERTY = "ge4j.warmup";

    /** The mode named by {@code s} (off, background, blocking; also on = background, case-insensitive). */
    public static WarmUp parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "off", "none", "false" -> OFF;
            case "background", "on", "true" -> BACKGROUND;
            case "blocking" -> BLOCKING;
            default -> throw new IllegalArgumentException("warm-up mode must be off, background or blocking, got '" + s + "'");
        };
    }

    /** The mode of system property {@value #PROPERTY}, else {@link #BACKGROUND}. */
    public static WarmUp fromSystemProperty() {
        String s = System.getProperty(PROPERTY);
        return s == null || s.isBlank() ? BACKGROUND : parse(s);
    }
}
