package org.ge4j.cli.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Tensor;
import org.ge4j.parser.onnx.OnnxTensors;
import org.ge4j.parser.onnx.proto.TensorProto;

/** Tensors in files: {@code .npy} (numpy) and ONNX {@code TensorProto} {@code .pb}, read by extension. */
public final class TensorFiles {
    private TensorFiles() {}

    /** Reads a {@code .npy} or a {@code .pb} TensorProto. */
    public static Tensor read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(file)) throw new Ge4jException(file + ": no such file");
        if (name.endsWith(".npy")) return Npy.read(file);
        if (name.endsWith(".pb")) {
            try {
                return OnnxTensors.toTensor(TensorProto.parseFrom(Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new Ge4jException(file + ": not an ONNX TensorProto: " + e.getMessage());
            } catch (Ge4jException e) {
                throw new Ge4jException(file + ": " + e.getMessage());
            }
        }
        throw new Ge4jException(file + ": unknown tensor file type (expected .npy or .pb)");
    }

    /** Writes {@code t} as an ONNX TensorProto named {@code name}. */
    public static void writePb(Tensor t, String name, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            OnnxTensors.toProto(t, name).writeTo(out);
        } catch (IOException e) {
            throw new Ge4jException(file + ": cannot write it: " + e.getMessage());
        }
    }

    /** A file name for a tensor named {@code name}: characters other than letters, digits, {@code . _ -} become {@code _}. */
    public static String fileName(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.isEmpty() || s.startsWith(".") ? "_" + s : s;
    }
}
