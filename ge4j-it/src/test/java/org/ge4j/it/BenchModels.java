package org.ge4j.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;

/** The benchmark models exported by scripts/export-bench-models.sh, and seeded inputs for them. */
final class BenchModels {
    private BenchModels() {}

    /** One input of a model: name, dtype, shape, and for integers the value range [lo, hi). */
    record InputSpec(String name, DataType dtype, long[] shape, long lo, long hi) {
        static InputSpec parse(String s) {
            String[] p = s.split(":");
            String[] dims = p[2].split("x");
            long[] shape = new long[dims.length];
            for (int i = 0; i < dims.length; i++) shape[i] = Long.parseLong(dims[i]);
            DataType t = switch (p[1]) {
                case "float32" -> DataType.FLOAT;
                case "int64" -> DataType.INT64;
                case "int32" -> DataType.INT32;
                default -> throw new IllegalArgumentException("unsupported input dtype " + p[1]);
            };
            return new InputSpec(p[0], t, shape, p.length > 3 ? Long.parseLong(p[3]) : 0, p.length > 4 ? Long.parseLong(p[4]) : 0);
        }

        InputSpec withShape(long... s) { return new InputSpec(name, dtype, s, lo, hi); }

        /** Seeded values: standard normal floats, uniform integers in [lo, hi). */
        Tensor random(long seed) {
            SplittableRandom r = new SplittableRandom(seed ^ name.hashCode());
            int n = Math.toIntExact(org.ge4j.ir.Shape.elementCount(shape));
            if (dtype == DataType.FLOAT) {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) v[i] = (float) gaussian(r);
                return Tensor.of(v, shape);
            }
            long[] v = new long[n];
            for (int i = 0; i < n; i++) v[i] = lo + r.nextLong(Math.max(1, hi - lo));
            return Tensor.fromLongs(dtype, shape, v);
        }

        private static double gaussian(SplittableRandom r) {
            double u = r.nextDouble(), v = r.nextDouble();
            return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
        }
    }

    record Model(String name, Path file, List<InputSpec> inputs) {}

    static Path dir() {
        String p = System.getProperty("ge4j.benchModels", ".cache/bench-models");
        return Path.of(p);
    }

    static boolean available() { return Files.isRegularFile(dir().resolve("manifest.tsv")); }

    static List<Model> all() throws IOException {
        List<Model> models = new ArrayList<>();
        List<String> lines = Files.readAllLines(dir().resolve("manifest.tsv"));
        String[] head = lines.get(0).split("\t");
        int iName = indexOf(head, "name"), iFile = indexOf(head, "file"), iIn = indexOf(head, "inputs");
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split("\t", -1);
            List<InputSpec> in = new ArrayList<>();
            for (String s : c[iIn].split(";")) in.add(InputSpec.parse(s));
            Path f = dir().resolve(c[iFile]);
            if (!f.isAbsolute() && !Files.exists(f)) f = dir().resolve(Path.of(c[iFile]).getFileName());
            models.add(new Model(c[iName], f, in));
        }
        return models;
    }

    private static int indexOf(String[] a, String s) {
        for (int i = 0; i < a.length; i++) if (a[i].equals(s)) return i;
        throw new IllegalStateException("manifest has no column '" + s + "'");
    }
}
