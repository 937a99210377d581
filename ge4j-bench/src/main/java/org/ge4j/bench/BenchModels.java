package org.ge4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;

/**
 * The benchmark models exported by {@code scripts/export-bench-models.sh}: their {@code manifest.tsv}
 * (name, file, FLOPs, parameters, input specs) and seeded inputs for them.
 */
public final class BenchModels {
    /** Default models directory, relative to the repository root. */
    public static final String DEFAULT_DIR = ".cache/bench-models";

    private BenchModels() {}

    /**
     * One input of a model: name, dtype, shape, and for integers the value range [lo, hi). Written as
     * {@code name:dtype:d0xd1[:lo:hi]}, e.g. {@code ids:int64:1x128:0:30522}.
     */
    public record InputSpec(String name, DataType dtype, long[] shape, long lo, long hi) {
        /** Parses {@code name:dtype:d0xd1[:lo:hi]} (dtype float32, float64, int64, int32 or bool). */
        public static InputSpec parse(String s) {
            String[] p = s.split(":", -1);
            if (p.length != 3 && p.length != 5)
                throw new IllegalArgumentException("input spec '" + s + "' must be name:dtype:d0xd1 or name:dtype:d0xd1:lo:hi");
            if (p[0].isEmpty()) throw new IllegalArgumentException("input spec '" + s + "' has an empty name");
            long[] shape;
            if (p[2].isEmpty() || p[2].equals("scalar")) shape = new long[0];
            else {
                String[] dims = p[2].split("x");
                shape = new long[dims.length];
                for (int i = 0; i < dims.length; i++) {
                    try {
                        shape[i] = Long.parseLong(dims[i]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("input spec '" + s + "': dim '" + dims[i] + "' is not a number");
                    }
                    if (shape[i] < 0) throw new IllegalArgumentException("input spec '" + s + "': negative dim " + shape[i]);
                }
            }
            DataType t = switch (p[1].toLowerCase(Locale.ROOT)) {
                case "float32", "float" -> DataType.FLOAT;
                case "float64", "double" -> DataType.DOUBLE;
                case "int64" -> DataType.INT64;
                case "int32" -> DataType.INT32;
                case "bool" -> DataType.BOOL;
                default -> throw new IllegalArgumentException("input spec '" + s + "': unsupported dtype '" + p[1] + "' (float32, float64, int64, int32, bool)");
            };
            long lo = 0, hi = 0;
            if (p.length == 5) {
                try {
                    lo = Long.parseLong(p[3]);
                    hi = Long.parseLong(p[4]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("input spec '" + s + "': range bounds must be integers");
                }
                if (hi <= lo) throw new IllegalArgumentException("input spec '" + s + "': empty range [" + lo + ", " + hi + ")");
            }
            return new InputSpec(p[0], t, shape, lo, hi);
        }

        /** The same input with another shape. */
        public InputSpec withShape(long... s) { return new InputSpec(name, dtype, s.clone(), lo, hi); }

        /** The same input with its first dimension set to {@code batch}. */
        public InputSpec withBatch(long batch) {
            if (shape.length == 0) throw new IllegalArgumentException("input '" + name + "' is a scalar: it has no batch dimension");
            long[] s = shape.clone();
            s[0] = batch;
            return withShape(s);
        }

        /** Seeded values: standard normal floats, uniform integers in [lo, hi) ([0, 2) when no range). */
        public Tensor random(long seed) {
            SplittableRandom r = new SplittableRandom(seed ^ name.hashCode());
            int n = Math.toIntExact(Shape.elementCount(shape));
            if (dtype == DataType.FLOAT) {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = (float) gaussian(r);
                return Tensor.of(v, shape);
            }
            if (dtype == DataType.DOUBLE) {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = gaussian(r);
                return Tensor.of(v, shape);
            }
            long from = lo, to = hi > lo ? hi : lo + 2;
            long[] v = new long[n];
            for (int i = 0; i < n; i++) v[i] = from + r.nextLong(to - from);
            return Tensor.fromLongs(dtype, shape, v);
        }

        private static double gaussian(SplittableRandom r) {
            double u = r.nextDouble(), v = r.nextDouble();
            return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
        }

        /** Back to {@code name:dtype:d0xd1[:lo:hi]}. */
        @Override public String toString() {
            StringBuilder sb = new StringBuilder(name).append(':').append(switch (dtype) {
                case FLOAT -> "float32";
                case DOUBLE -> "float64";
                case INT64 -> "int64";
                case INT32 -> "int32";
                case BOOL -> "bool";
                default -> dtype.name().toLowerCase(Locale.ROOT);
            }).append(':');
            if (shape.length == 0) sb.append("scalar");
            for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? "x" : "").append(shape[i]);
            if (hi > lo) sb.append(':').append(lo).append(':').append(hi);
            return sb.toString();
        }

        @Override public boolean equals(Object o) {
            return o instanceof InputSpec i && i.name.equals(name) && i.dtype == dtype && java.util.Arrays.equals(i.shape, shape) && i.lo == lo && i.hi == hi;
        }

        @Override public int hashCode() { return name.hashCode() * 31 + java.util.Arrays.hashCode(shape); }
    }

    /**
     * One model of the manifest. {@code flops} is per batch-1 inference (0 when not counted);
     * {@code storedElems} counts the weight elements stored in the file.
     */
    public record Model(String name, Path file, List<InputSpec> inputs, long flops, long params, long storedElems, long fileBytes) {
        public Model {
            inputs = List.copyOf(inputs);
        }
    }

    /** The models directory: system property {@code ge4j.benchModels}, else env {@code GE4J_BENCH_MODELS}, else {@value #DEFAULT_DIR}. */
    public static Path dir() {
        String p = System.getProperty("ge4j.benchModels");
        if (p == null) p = System.getenv("GE4J_BENCH_MODELS");
        return Path.of(p == null ? DEFAULT_DIR : p);
    }

    public static boolean available() { return available(dir()); }

    public static boolean available(Path dir) { return Files.isRegularFile(dir.resolve("manifest.tsv")); }

    public static List<Model> all() throws IOException { return all(dir()); }

    /** Reads {@code dir/manifest.tsv}. */
    public static List<Model> all(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("manifest.tsv"));
        if (lines.isEmpty()) throw new IOException(dir.resolve("manifest.tsv") + " is empty");
        String[] head = lines.get(0).split("\t");
        int iName = indexOf(head, "name", true), iFile = indexOf(head, "file", true), iIn = indexOf(head, "inputs", true);
        int iFlops = indexOf(head, "flops", false), iParams = indexOf(head, "params", false);
        int iStored = indexOf(head, "stored_elems", false), iBytes = indexOf(head, "file_bytes", false);
        List<Model> models = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) continue;
            String[] c = line.split("\t", -1);
            List<InputSpec> in = new ArrayList<>();
            for (String s : c[iIn].split(";")) in.add(InputSpec.parse(s));
            Path f = dir.resolve(c[iFile]);
            if (!Files.exists(f)) f = dir.resolve(Path.of(c[iFile]).getFileName());
            models.add(new Model(c[iName], f, in, number(c, iFlops), number(c, iParams), number(c, iStored), number(c, iBytes)));
        }
        return models;
    }

    /** The manifest entry called {@code name}, or null. */
    public static Model find(Path dir, String name) throws IOException {
        if (!available(dir)) return null;
        for (Model m : all(dir)) if (m.name().equals(name)) return m;
        return null;
    }

    /** The manifest entry whose file is {@code file} (same real path), or null. */
    public static Model forFile(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !available(dir)) return null;
        for (Model m : all(dir)) {
            if (Files.exists(m.file()) && Files.isSameFile(m.file(), file)) return m;
        }
        return null;
    }

    private static long number(String[] c, int i) {
        if (i < 0 || i >= c.length || c[i].isBlank()) return 0;
        try {
            return Long.parseLong(c[i].trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int indexOf(String[] a, String s, boolean required) {
        for (int i = 0; i < a.length; i++) if (a[i].equals(s)) return i;
        if (required) throw new IllegalStateException("manifest has no column '" + s + "'");
        return -1;
    }
}
