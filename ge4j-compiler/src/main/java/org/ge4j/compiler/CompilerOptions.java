package org.ge4j.compiler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.ge4j.compiler.pass.PassInstrument;
import org.ge4j.compiler.pattern.Pattern;
import org.ge4j.ops.OpRegistry;

/**
 * What the compiler is asked to do: the optimisation level, passes and patterns switched on or off by
 * name (atc's {@code --optimization_switch "cse:off;fusion:on"}), verification between passes, dumps and
 * instruments, and per-pass options records. Immutable; made with {@link #builder()}.
 *
 * <pre>{@code
 * CompilerOptions o = CompilerOptions.builder().setLevel(OptLevel.O3)
 *         .optSwitches("cse:off").optVerify(true).optDumpDir(Path.of("dump")).build();
 * }</pre>
 */
public final class CompilerOptions {
    /** Formats of the graph dumps written before and after each pass. */
    public enum DumpFormat { TEXT, DOT }

    private final OptLevel level;
    private final Map<String, Boolean> switches;
    private final boolean verify;
    private final Path dumpDir;
    private final Set<DumpFormat> dumpFormats;
    private final List<PassInstrument> instruments;
    private final OpRegistry registry;
    private final int maxFixedPointIterations;
    private final Map<Class<?>, Object> passOptions;
    private final List<Pattern> extraPatterns;
    private final boolean loadPlugins;

    private CompilerOptions(Builder b) {
        this.level = b.level;
        this.switches = Collections.unmodifiableMap(new LinkedHashMap<>(b.switches));
        this.verify = b.verify;
        this.dumpDir = b.dumpDir;
        this.dumpFormats = Collections.unmodifiableSet(b.dumpFormats.isEmpty() ? EnumSet.noneOf(DumpFormat.class) : EnumSet.copyOf(b.dumpFormats));
        this.instruments = List.copyOf(b.instruments);
        this.registry = b.registry;
        this.maxFixedPointIterations = b.maxFixedPointIterations;
        this.passOptions = Collections.unmodifiableMap(new HashMap<>(b.passOptions));
        this.extraPatterns = List.copyOf(b.extraPatterns);
        this.loadPlugins = b.loadPlugins;
    }

    public static Builder builder() { return new Builder(); }

    /** Level O3, plugins loaded, verification on when Java assertions are enabled. */
    public static CompilerOptions defaults() { return builder().build(); }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.level = level;
        b.switches.putAll(switches);
        b.verify = verify;
        b.dumpDir = dumpDir;
        b.dumpFormats.addAll(dumpFormats);
        b.instruments.addAll(instruments);
        b.registry = registry;
        b.maxFixedPointIterations = maxFixedPointIterations;
        b.passOptions.putAll(passOptions);
        b.extraPatterns.addAll(extraPatterns);
        b.loadPlugins = loadPlugins;
        return b;
    }

    public OptLevel level() { return level; }

    /** Explicit switches by pass or pattern name: true = on, false = off. */
    public Map<String, Boolean> switches() { return switches; }

    /** The explicit switch for {@code name}, or null when the level decides. */
    public Boolean switchFor(String name) { return switches.get(name); }

    /** True when a pass or pattern that is on by default is not switched off. */
    public boolean isEnabled(String name) { return !Boolean.FALSE.equals(switches.get(name)); }

    /** Run the verifier before the first pass and after every pass. */
    public boolean verify() { return verify; }

    /** Where graph dumps go, or null for no dumps. */
    public Path dumpDir() { return dumpDir; }

    public Set<DumpFormat> dumpFormats() { return dumpFormats; }

    public List<PassInstrument> instruments() { return instruments; }

    public OpRegistry registry() { return registry != null ? registry : OpRegistry.global(); }

    /** The most times a fixed-point group of passes is repeated. */
    public int maxFixedPointIterations() { return maxFixedPointIterations; }

    /** The options record of type {@code type} set with {@link Builder#optPassOptions}, else {@code dflt}. */
    public <T> T passOptions(Class<T> type, T dflt) {
        Object o = passOptions.get(type);
        return o == null ? dflt : type.cast(o);
    }

    /** Patterns given programmatically; they join the pass their {@link Pattern#pass()} names. */
    public List<Pattern> extraPatterns() { return extraPatterns; }

    /** Load passes and patterns of plugins found by ServiceLoader. */
    public boolean loadPlugins() { return loadPlugins; }

    /**
     * Parses an atc-style switch list: entries {@code name:on} or {@code name:off} separated by {@code ;}
     * (or {@code ,}); whitespace ignored. Names are checked against the known passes and patterns later.
     */
    public static Map<String, Boolean> parseSwitches(String spec) {
        Map<String, Boolean> m = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) return m;
        for (String entry : spec.split("[;,]")) {
            String e = entry.trim();
            if (e.isEmpty()) continue;
            int c = e.lastIndexOf(':');
            if (c <= 0 || c == e.length() - 1)
                throw new IllegalArgumentException("optimization switch '" + e + "' must read NAME:on or NAME:off");
            String name = e.substring(0, c).trim();
            String v = e.substring(c + 1).trim().toLowerCase(Locale.ROOT);
            Boolean on = switch (v) {
                case "on", "true", "1", "enable" -> Boolean.TRUE;
                case "off", "false", "0", "disable" -> Boolean.FALSE;
                default -> throw new IllegalArgumentException("optimization switch '" + e + "': value must be on or off, got '" + v + "'");
            };
            m.put(name, on);
        }
        return m;
    }

    @Override public String toString() {
        return "CompilerOptions[level=" + level + ", switches=" + switches + ", verify=" + verify + (dumpDir != null ? ", dump=" + dumpDir + dumpFormats : "") + "]";
    }

    /** Builder: {@code setX} for required settings, {@code optX} for optional ones. */
    public static final class Builder {
        private OptLevel level = OptLevel.O3;
        private final Map<String, Boolean> switches = new LinkedHashMap<>();
        private boolean verify = CompilerOptions.class.desiredAssertionStatus();
        private Path dumpDir;
        private final Set<DumpFormat> dumpFormats = EnumSet.noneOf(DumpFormat.class);
        private final List<PassInstrument> instruments = new ArrayList<>();
        private OpRegistry registry;
        private int maxFixedPointIterations = 8;
        private final Map<Class<?>, Object> passOptions = new HashMap<>();
        private final List<Pattern> extraPatterns = new ArrayList<>();
        private boolean loadPlugins = true;

        private Builder() {}

        public Builder setLevel(OptLevel l) { this.level = Objects.requireNonNull(l); return this; }

        /** Adds switches parsed from {@code "cse:off;fusion:on"}. */
        public Builder optSwitches(String spec) { switches.putAll(parseSwitches(spec)); return this; }

        public Builder optSwitch(String name, boolean on) { switches.put(Objects.requireNonNull(name), on); return this; }

        public Builder optVerify(boolean v) { this.verify = v; return this; }

        /** Dumps the graph before and after each pass that changes it into {@code dir} (text and DOT unless formats are given). */
        public Builder optDumpDir(Path dir, DumpFormat... formats) {
            this.dumpDir = dir;
            dumpFormats.clear();
            dumpFormats.addAll(formats.length == 0 ? EnumSet.allOf(DumpFormat.class) : List.of(formats));
            return this;
        }

        public Builder optInstrument(PassInstrument i) { instruments.add(Objects.requireNonNull(i)); return this; }

        public Builder optRegistry(OpRegistry r) { this.registry = r; return this; }

        public Builder optMaxFixedPointIterations(int n) {
            if (n < 1) throw new IllegalArgumentException("max fixed-point iterations must be at least 1, got " + n);
            this.maxFixedPointIterations = n;
            return this;
        }

        /** Sets a pass's options record (looked up by its class, e.g. {@code ConstantFolding.Options}). */
        public Builder optPassOptions(Object options) { passOptions.put(options.getClass(), options); return this; }

        public Builder optPattern(Pattern p) { extraPatterns.add(Objects.requireNonNull(p)); return this; }

        public Builder optLoadPlugins(boolean on) { this.loadPlugins = on; return this; }

        public CompilerOptions build() { return new CompilerOptions(this); }
    }
}
