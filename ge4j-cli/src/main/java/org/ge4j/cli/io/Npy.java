package org.ge4j.cli.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Ge4jException;
import org.ge4j.ir.Tensor;

/**
 * Reads numpy {@code .npy} files (format versions 1, 2 and 3): C-ordered arrays of little-endian
 * {@code f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1}. Errors name the file and what is wrong.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static Tensor read(Path file) {
        byte[] b;
        try {
            b = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new Ge4jException(file + ": cannot read it: " + e.getMessage());
        }
        return read(b, file.toString());
    }

    /** Reads the bytes of a .npy file; {@code what} names it in errors. */
    public static Tensor read(byte[] b, String what) {
        if (b.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(b, 6), MAGIC)) throw new Ge4jException(what + ": not a .npy file (bad magic)");
        int major = b[6] & 0xff;
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long headerLen;
        int start;
        switch (major) {
            case 1 -> { headerLen = buf.getShort(8) & 0xffff; start = 10; }
            case 2, 3 -> {
                if (b.length < 12) throw new Ge4jException(what + ": truncated .npy header");
                headerLen = buf.getInt(8) & 0xffffffffL;
                start = 12;
            }
            default -> throw new Ge4jException(what + ": .npy format version " + major + " is not supported (1, 2 or 3)");
        }
        if (start + headerLen > b.length) throw new Ge4jException(what + ": truncated .npy header");
        String header = new String(b, start, (int) headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), f = FORTRAN.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !f.find() || !s.find()) throw new Ge4jException(what + ": malformed .npy header " + header.trim());
        if (f.group(1).equals("True")) throw new Ge4jException(what + ": Fortran-ordered arrays are not supported (save with numpy.ascontiguousarray)");
        DataType t = dtype(d.group(1), what);
        List<Long> dims = new ArrayList<>();
        for (String p : s.group(1).split(",")) {
            if (p.isBlank()) continue;
            try {
                dims.add(Long.parseLong(p.trim()));
            } catch (NumberFormatException e) {
                throw new Ge4jException(what + ": bad shape (" + s.group(1) + ") in the .npy header");
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long x : shape) count *= x;
        long need = t.storageBytes(count);
        int dataStart = (int) (start + headerLen);
        if (b.length - dataStart < need)
            throw new Ge4jException(what + ": truncated: " + (b.length - dataStart) + " data bytes, " + t.shortName() + org.ge4j.ir.Shape.toString(shape) + " needs " + need);
        return Tensor.fromBytes(t, shape, ByteBuffer.wrap(b, dataStart, (int) need).slice());
    }

    private static DataType dtype(String descr, String what) {
        if (descr.length() < 2) throw new Ge4jException(what + ": unsupported .npy dtype '" + descr + "'");
        char order = descr.charAt(0);
        String code = descr.substring(1);
        if (order == '>' && !code.endsWith("1")) throw new Ge4jException(what + ": big-endian .npy data ('" + descr + "') is not supported; save little-endian");
        if (order != '<' && order != '|' && order != '=' && order != '>') code = descr;
        return switch (code) {
            case "f2" -> DataType.FLOAT16;
            case "f4" -> DataType.FLOAT;
            case "f8" -> DataType.DOUBLE;
            case "i1" -> DataType.INT8;
            case "i2" -> DataType.INT16;
            case "i4" -> DataType.INT32;
            case "i8" -> DataType.INT64;
            case "u1" -> DataType.UINT8;
            case "u2" -> DataType.UINT16;
            case "u4" -> DataType.UINT32;
            case "u8" -> DataType.UINT64;
            case "b1", "?" -> DataType.BOOL;
            default -> throw new Ge4jException(what + ": unsupported .npy dtype '" + descr + "' (supported: f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1)");
        };
    }
}
