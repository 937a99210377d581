package org.ge4j.cli.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ge4j.compiler.om.ModelDefinition.Gear;
import org.ge4j.compiler.om.ModelDefinition.IoDesc;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;

/**
 * The inputs of a run: read from files ({@code NAME=FILE}, .npy or .pb) or made up from a seed — floats
 * standard normal, integers uniform in [lo, hi), bools fair coins. Shapes of made-up inputs: as given
 * ({@code --input-shape}), else the model's when static, else the first gear's, else 1 for every dynamic dim.
 */
public final class ModelInputs {
    private ModelInputs() {}

    /** Parses {@code NAME=FILE} options. */
    public static Map<String, Path> parseFiles(List<String> specs) {
        Map<String, Path> m = new LinkedHashMap<>();
        for (String s : specs) {
            int eq = s.indexOf('=');
            if (eq <= 0 || eq == s.length() - 1) throw new Ge4jException("--input '" + s + "' must read NAME=FILE (a .npy or an ONNX TensorProto .pb)");
            m.put(s.substring(0, eq), Path.of(s.substring(eq + 1)));
        }
        return m;
    }

    /**
     * The inputs for {@code inputs} (the model's signature): from {@code files}, the others random. The caller
     * closes them.
     */
    public static Map<String, Tensor> make(List<IoDesc> inputs, List<Gear> gears, Map<String, Path> files, Map<String, long[]> shapes,
                                           long seed, long lo, long hi) {
        for (String n : files.keySet())
            if (inputs.stream().noneMatch(d -> d.name().equals(n)))
                throw new Ge4jException("--input names '" + n + "', which is not an input of the model (inputs: " + inputs.stream().map(IoDesc::name).toList() + ")");
        for (String n : shapes.keySet())
            if (inputs.stream().noneMatch(d -> d.name().equals(n)))
                throw new Ge4jException("--input-shape names '" + n + "', which is not an input of the model (inputs: " + inputs.stream().map(IoDesc::name).toList() + ")");
        Map<String, Tensor> m = new LinkedHashMap<>();
        try {
            for (int k = 0; k < inputs.size(); k++) {
                IoDesc d = inputs.get(k);
                Path f = files.get(d.name());
                if (f != null) {
                    m.put(d.name(), TensorFiles.read(f));
                    continue;
                }
                long[] shape = shapes.containsKey(d.name()) ? shapes.get(d.name()) : shapeFor(d, gears.isEmpty() ? null : gears.get(0).inputShapes().get(k));
                for (long x : shape)
                    if (x < 0) throw new Ge4jException("input '" + d.name() + "': give a concrete shape with --input-shape (got " + Shape.toString(shape) + ")");
                m.put(d.name(), random(d.dtype() == DataType.UNDEFINED ? DataType.FLOAT : d.dtype(), shape, seed + 7919L * k, lo, hi));
            }
        } catch (RuntimeException e) {
            m.values().forEach(Tensor::close);
            throw e;
        }
        return m;
    }

    private static long[] shapeFor(IoDesc d, long[] gear) {
        if (gear != null) return gear;
        Shape s = d.shape();
        if (!s.hasRank()) throw new Ge4jException("input '" + d.name() + "' has unknown rank: give its shape with --input-shape " + d.name() + ":d0,d1,...");
        long[] a = new long[s.rank()];
        for (int i = 0; i < a.length; i++) a[i] = s.dim(i) instanceof Dim.Static st ? st.value() : 1;
        return a;
    }

    /** A seeded random tensor. */
    public static Tensor random(DataType t, long[] shape, long seed, long lo, long hi) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = Math.toIntExact(Shape.elementCount(shape));
        if (t == DataType.STRING) throw new Ge4jException("cannot make up a string input: give it with --input NAME=FILE");
        if (t.isFloatingPoint() || t.isComplex()) {
            double[] v = new double[t.isComplex() ? 2 * n : n];
            for (int i = 0; i < v.length; i++) v[i] = gaussian(r);
            return Tensor.fromDoubles(t, shape, v);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) v[i] = t == DataType.BOOL ? r.nextInt(2) : lo + r.nextLong(Math.max(1, hi - lo));
        return Tensor.fromLongs(t, shape, v);
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
