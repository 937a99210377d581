package org.ge4j.cli.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.junit.jupiter.api.Test;

class NpyTest {
    /** A .npy of format {@code major} (1, 2 or 3) with the given header dict and data. */
    static byte[] npy(int major, String dict, byte[] data) {
        String h = dict + "\n";
        int lenBytes = major == 1 ? 2 : 4;
        ByteBuffer b = ByteBuffer.allocate(8 + lenBytes + h.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) b.putShort((short) h.length());
        else b.putInt(h.length());
        return b.put(h.getBytes(StandardCharsets.UTF_8)).put(data).array();
    }

    static String dict(String descr, String shape) { return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"; }

    static byte[] le(int bytesPer, long... v) {
        ByteBuffer b = ByteBuffer.allocate(bytesPer * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long x : v) {
            switch (bytesPer) {
                case 1 -> b.put((byte) x);
                case 4 -> b.putInt((int) x);
                default -> b.putLong(x);
            }
        }
        return b.array();
    }

    @Test
    void readsEachSupportedTypeAndHeaderVersion() {
        ByteBuffer f = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f).putFloat(0.25f);
        try (Tensor t = Npy.read(npy(1, dict("<f4", "(3,)"), f.array()), "a.npy")) {
            assertThat(t.dtype()).isEqualTo(DataType.FLOAT);
            assertThat(t.shape()).containsExactly(3);
            assertThat(t.toFloatArray()).containsExactly(1.5f, -2f, 0.25f);
        }
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(3.25).putDouble(-1e300);
        try (Tensor t = Npy.read(npy(2, dict("<f8", "(2, 1)"), d.array()), "b.npy")) {
            assertThat(t.dtype()).isEqualTo(DataType.DOUBLE);
            assertThat(t.shape()).containsExactly(2, 1);
            assertThat(t.toDoubleArray()).containsExactly(3.25, -1e300);
        }
        try (Tensor t = Npy.read(npy(3, dict("<i8", "(2, 2)"), le(8, 1, -2, Long.MAX_VALUE, 4)), "c.npy")) {
            assertThat(t.dtype()).isEqualTo(DataType.INT64);
            assertThat(t.toLongArray()).containsExactly(1, -2, Long.MAX_VALUE, 4);
        }
        try (Tensor t = Npy.read(npy(1, dict("<i4", "()"), le(4, -7)), "scalar.npy")) {
            assertThat(t.dtype()).isEqualTo(DataType.INT32);
            assertThat(t.shape()).isEmpty();
            assertThat(t.toLongArray()).containsExactly(-7);
        }
        try (Tensor t = Npy.read(npy(1, dict("|i1", "(2,)"), le(1, -3, 127)), "i1.npy")) {
            assertThat(t.dtype()).isEqualTo(DataType.INT8);
            assertThat(t.toLongArray()).containsExactly(-3, 127);
        }
        try (Tensor t = Npy.read(npy(1, dict("|u1", "(2,)"), le(1, 200, 1)), "u1.npy")) {
            assertThat(t.dtype()).isEqualTo(DataType.UINT8);
            assertThat(t.toLongArray()).containsExactly(200, 1);
        }
        try (Tensor t = Npy.read(npy(1, dict("|b1", "(3,)"), le(1, 1, 0, 1)), "b1.npy")) {
            assertThat(t.dtype()).isEqualTo(DataType.BOOL);
            assertThat(t.toBooleanArray()).containsExactly(true, false, true);
        }
    }

    @Test
    void unsupportedFilesAreExplained() {
        assertThatThrownBy(() -> Npy.read(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, "x.npy")).hasMessage("x.npy: not a .npy file (bad magic)");
        assertThatThrownBy(() -> Npy.read(npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]), "f.npy"))
                .hasMessageContaining("f.npy: Fortran-ordered arrays are not supported");
        assertThatThrownBy(() -> Npy.read(npy(1, dict(">f4", "(1,)"), new byte[4]), "be.npy")).hasMessageContaining("be.npy: big-endian .npy data ('>f4') is not supported");
        assertThatThrownBy(() -> Npy.read(npy(1, dict("<c8", "(1,)"), new byte[8]), "c.npy")).hasMessageContaining("unsupported .npy dtype '<c8'");
        assertThatThrownBy(() -> Npy.read(npy(1, dict("<f4", "(4,)"), new byte[12]), "t.npy")).hasMessage("t.npy: truncated: 12 data bytes, f32[4] needs 16");
        assertThatThrownBy(() -> Npy.read(npy(4, dict("<f4", "(1,)"), new byte[4]), "v.npy")).hasMessageContaining(".npy format version 4 is not supported");
    }
}
