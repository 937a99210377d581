package org.ge4j.ir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class TensorTest {

    private static ByteBuffer le(int... bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bytes) b.put((byte) v);
        return b.flip();
    }

    // ---------------------------------------------------------------- creation and reading back

    @Test
    void javaArraysRoundTrip() {
        try (Tensor f = Tensor.of(new float[] {1.5f, -2f, 3f, 4f}, 2, 2)) {
            assertThat(f.dtype()).isEqualTo(DataType.FLOAT);
            assertThat(f.shape()).containsExactly(2, 2);
            assertThat(f.rank()).isEqualTo(2);
            assertThat(f.size()).isEqualTo(4);
            assertThat(f.byteSize()).isEqualTo(16);
            assertThat(f.toFloatArray()).containsExactly(1.5f, -2f, 3f, 4f);
            assertThat(f.getDouble(1, 0)).isEqualTo(3.0);
            assertThat(f.getLong(0, 1)).isEqualTo(-2);
            assertThat(f.desc()).isEqualTo(TensorDesc.of(DataType.FLOAT, 2, 2));
        }
        try (Tensor d = Tensor.of(new double[] {Math.PI, -0.5})) {
            assertThat(d.dtype()).isEqualTo(DataType.DOUBLE);
            assertThat(d.toDoubleArray()).containsExactly(Math.PI, -0.5);
            assertThat(d.toFloatArray()).containsExactly((float) Math.PI, -0.5f);
        }
        try (Tensor i = Tensor.of(new int[] {Integer.MIN_VALUE, 7})) {
            assertThat(i.toIntArray()).containsExactly(Integer.MIN_VALUE, 7);
            assertThat(i.toLongArray()).containsExactly(Integer.MIN_VALUE, 7);
        }
        try (Tensor l = Tensor.of(new long[] {Long.MAX_VALUE, -1}, 2, 1)) {
            assertThat(l.toLongArray()).containsExactly(Long.MAX_VALUE, -1);
        }
        try (Tensor s = Tensor.of(new short[] {-32768, 1})) {
            assertThat(s.dtype()).isEqualTo(DataType.INT16);
            assertThat(s.toLongArray()).containsExactly(-32768, 1);
        }
        try (Tensor b = Tensor.of(new byte[] {-128, 127})) {
            assertThat(b.dtype()).isEqualTo(DataType.INT8);
            assertThat(b.toIntArray()).containsExactly(-128, 127);
        }
        try (Tensor z = Tensor.of(new boolean[] {true, false, true})) {
            assertThat(z.dtype()).isEqualTo(DataType.BOOL);
            assertThat(z.toBooleanArray()).containsExactly(true, false, true);
            assertThat(z.getBoolean(2)).isTrue();
            assertThat(z.toByteArray()).containsExactly(1, 0, 1);
        }
        try (Tensor s = Tensor.of(new String[] {"a", "", "ü"}, 3, 1)) {
            assertThat(s.dtype()).isEqualTo(DataType.STRING);
            assertThat(s.toStringArray()).containsExactly("a", "", "ü");
            assertThat(s.getString(2)).isEqualTo("ü");
            s.setString(1, "b");
            assertThat(s.toStringArray()).containsExactly("a", "b", "ü");
            assertThat(s.byteSize()).isZero();
        }
        try (Tensor sc = Tensor.scalar(2.5f); Tensor sl = Tensor.scalar(9L); Tensor sd = Tensor.scalar(DataType.FLOAT16, 0.1)) {
            assertThat(sc.rank()).isZero();
            assertThat(sc.getScalarDouble(0)).isEqualTo(2.5);
            assertThat(sl.dtype()).isEqualTo(DataType.INT64);
            assertThat(sd.getScalarDouble(0)).isEqualTo(Fp16.halfToFloat((short) 0x2e66));
        }
    }

    @Test
    void unsignedAndConvertedTypesFromLongsAndDoubles() {
        try (Tensor u8 = Tensor.fromLongs(DataType.UINT8, new long[] {3}, new long[] {0, 200, 256 + 5})) {
            assertThat(u8.toLongArray()).as("narrowing wraps").containsExactly(0, 200, 5);
        }
        try (Tensor u16 = Tensor.fromLongs(DataType.UINT16, new long[] {2}, new long[] {65535, -1})) {
            assertThat(u16.toLongArray()).containsExactly(65535, 65535);
        }
        try (Tensor u32 = Tensor.fromLongs(DataType.UINT32, new long[] {1}, new long[] {0xffffffffL})) {
            assertThat(u32.getScalarLong(0)).isEqualTo(0xffffffffL);
            assertThat(u32.getScalarDouble(0)).isEqualTo(4294967295.0);
        }
        try (Tensor u64 = Tensor.fromLongs(DataType.UINT64, new long[] {3}, new long[] {-1L, Long.MIN_VALUE + 1025, 5})) {
            assertThat(u64.getScalarLong(0)).as("uint64 reads back as its bits").isEqualTo(-1L);
            assertThat(u64.getScalarDouble(0)).isEqualTo(0x1p64);
            assertThat(u64.getScalarDouble(1)).as("2^63 + 1025 rounds up to 2^63 + 2048, once").isEqualTo(0x1p63 + 2048);
            assertThat(u64.getScalarDouble(2)).isEqualTo(5.0);
        }
        try (Tensor h = Tensor.fromDoubles(DataType.FLOAT16, new long[] {4}, new double[] {1, -2.5, 65504, 1e6})) {
            assertThat(h.toDoubleArray()).containsExactly(1, -2.5, 65504, Double.POSITIVE_INFINITY);
            assertThat(h.toByteArray()).containsExactly(0x00, 0x3c, 0x00, 0xc1, 0xff, 0x7b, 0x00, 0x7c);
        }
        try (Tensor b = Tensor.fromDoubles(DataType.BFLOAT16, new long[] {2}, new double[] {1, 1 + 0x1p-8 + 0x1p-40})) {
            assertThat(b.toByteArray()).containsExactly(0x80, 0x3f, 0x81, 0x3f);
        }
        try (Tensor f8 = Tensor.fromDoubles(DataType.FLOAT8E4M3FN, new long[] {3}, new double[] {1, 1000, Double.NaN})) {
            assertThat(f8.toByteArray()).as("tensor stores saturate").containsExactly(0x38, 0x7e, 0x7f);
            assertThat(f8.getScalarDouble(1)).isEqualTo(448);
            assertThat(f8.getScalarDouble(2)).isNaN();
        }
        try (Tensor f8 = Tensor.fromDoubles(DataType.FLOAT8E5M2FNUZ, new long[] {2}, new double[] {-0.0, -3})) {
            assertThat(f8.toByteArray()).containsExactly(0x00, 0xc6);
        }
        try (Tensor f4 = Tensor.fromDoubles(DataType.FLOAT4E2M1, new long[] {3}, new double[] {1.5, -6, 0.3})) {
            assertThat(f4.toDoubleArray()).containsExactly(1.5, -6, 0.5);
            assertThat(f4.toByteArray()).containsExactly(0xf3, 0x01);
            assertThat(f4.getScalarLong(0)).isEqualTo(1);
            assertThat(f4.toString()).isEqualTo("Tensor<f4e2m1[3]>[1.5, -6.0, 0.5]");
        }
        try (Tensor c = Tensor.fromDoubles(DataType.COMPLEX64, new long[] {2}, new double[] {1, 2, 3, -4})) {
            assertThat(c.size()).isEqualTo(2);
            assertThat(c.scalarCount()).isEqualTo(4);
            assertThat(c.byteSize()).isEqualTo(16);
            assertThat(c.toDoubleArray()).containsExactly(1, 2, 3, -4);
        }
        assertThatThrownBy(() -> Tensor.fromDoubles(DataType.COMPLEX128, new long[] {2}, new double[] {1, 2, 3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("3 values do not fill COMPLEX128[2]");
        assertThatThrownBy(() -> Tensor.of(new float[] {1, 2, 3}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("3 values do not fill shape [2,2]");
    }

    @Test
    void everyFixedSizeTypeFromLittleEndianBytes() {
        record Case(DataType t, long[] shape, ByteBuffer bytes, Consumer<Tensor> check) {}
        Case[] cases = {
            new Case(DataType.FLOAT, new long[] {1}, le(0x00, 0x00, 0xc0, 0x3f), t -> assertThat(t.getScalarDouble(0)).isEqualTo(1.5)),
            new Case(DataType.DOUBLE, new long[] {1}, le(0, 0, 0, 0, 0, 0, 0xf0, 0xbf), t -> assertThat(t.getScalarDouble(0)).isEqualTo(-1.0)),
            new Case(DataType.UINT8, new long[] {1}, le(0xff), t -> assertThat(t.getScalarLong(0)).isEqualTo(255)),
            new Case(DataType.INT8, new long[] {1}, le(0xff), t -> assertThat(t.getScalarLong(0)).isEqualTo(-1)),
            new Case(DataType.UINT16, new long[] {1}, le(0xfe, 0xff), t -> assertThat(t.getScalarLong(0)).isEqualTo(65534)),
            new Case(DataType.INT16, new long[] {1}, le(0xfe, 0xff), t -> assertThat(t.getScalarLong(0)).isEqualTo(-2)),
            new Case(DataType.INT32, new long[] {1}, le(0x01, 0x02, 0x03, 0x84), t -> assertThat(t.getScalarLong(0)).isEqualTo(0x84030201 | 0xffffffff00000000L)),
            new Case(DataType.UINT32, new long[] {1}, le(0x01, 0x02, 0x03, 0x84), t -> assertThat(t.getScalarLong(0)).isEqualTo(0x84030201L)),
            new Case(DataType.INT64, new long[] {1}, le(1, 0, 0, 0, 0, 0, 0, 0x80), t -> assertThat(t.getScalarLong(0)).isEqualTo(Long.MIN_VALUE + 1)),
            new Case(DataType.UINT64, new long[] {1}, le(0, 0, 0, 0, 0, 0, 0, 0x80), t -> assertThat(t.getScalarDouble(0)).isEqualTo(0x1p63)),
            new Case(DataType.BOOL, new long[] {2}, le(0, 1), t -> assertThat(t.toBooleanArray()).containsExactly(false, true)),
            new Case(DataType.FLOAT16, new long[] {2}, le(0x00, 0x3c, 0x01, 0x00), t -> assertThat(t.toDoubleArray()).containsExactly(1.0, 0x1p-24)),
            new Case(DataType.BFLOAT16, new long[] {1}, le(0x40, 0xc0), t -> assertThat(t.getScalarDouble(0)).isEqualTo(-3.0)),
            new Case(DataType.COMPLEX64, new long[] {1}, le(0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0), t -> assertThat(t.toDoubleArray()).containsExactly(1.0, -2.0)),
            new Case(DataType.COMPLEX128, new long[] {1}, le(0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0), t -> assertThat(t.toDoubleArray()).containsExactly(1.0, 0.0)),
            new Case(DataType.FLOAT8E4M3FN, new long[] {2}, le(0x38, 0xb8), t -> assertThat(t.toDoubleArray()).containsExactly(1.0, -1.0)),
            new Case(DataType.FLOAT8E4M3FNUZ, new long[] {2}, le(0x40, 0x80), t -> assertThat(t.toDoubleArray()).containsExactly(1.0, Double.NaN)),
            new Case(DataType.FLOAT8E5M2, new long[] {2}, le(0x3c, 0xfc), t -> assertThat(t.toDoubleArray()).containsExactly(1.0, Double.NEGATIVE_INFINITY)),
            new Case(DataType.FLOAT8E5M2FNUZ, new long[] {1}, le(0x40), t -> assertThat(t.getScalarDouble(0)).isEqualTo(1.0)),
            new Case(DataType.INT4, new long[] {3}, le(0xf7, 0x08), t -> assertThat(t.toLongArray()).containsExactly(7, -1, -8)),
            new Case(DataType.UINT4, new long[] {3}, le(0xf7, 0x08), t -> assertThat(t.toLongArray()).containsExactly(7, 15, 8)),
            new Case(DataType.FLOAT4E2M1, new long[] {2}, le(0x7a), t -> assertThat(t.toDoubleArray()).containsExactly(-1.0, 6.0)),
        };
        for (Case c : cases) {
            int pos = c.bytes().position();
            try (Tensor t = Tensor.fromBytes(c.t(), c.shape(), c.bytes())) {
                assertThat(t.dtype()).isEqualTo(c.t());
                c.check().accept(t);
                assertThat(c.bytes().position()).as("the buffer position is left alone").isEqualTo(pos);
                byte[] raw = new byte[c.bytes().remaining()];
                c.bytes().duplicate().get(raw);
                assertThat(t.toByteArray()).as("%s bytes", c.t()).isEqualTo(raw);
                ByteBuffer out = ByteBuffer.allocate(raw.length + 2);
                out.position(1);
                t.copyTo(out);
                assertThat(out.position()).isEqualTo(1 + raw.length);
            }
        }
    }

    @Test
    void fromBytesReadsFromThePositionAndChecksTheLength() {
        ByteBuffer b = le(0xaa, 0x00, 0x3c);
        b.position(1);
        try (Tensor t = Tensor.fromBytes(DataType.FLOAT16, new long[] {1}, b)) {
            assertThat(t.getScalarDouble(0)).isEqualTo(1.0);
        }
        assertThatThrownBy(() -> Tensor.fromBytes(DataType.INT32, new long[] {2}, le(1, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("need 8 bytes for INT32[2], got 3");
        assertThatThrownBy(() -> Tensor.fromBytes(DataType.STRING, new long[] {1}, le(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("string tensors have no byte form");
    }

    @Test
    void fourBitTypesPackTwoPerByteLowNibbleFirst() {
        try (Tensor t = Tensor.fromLongs(DataType.INT4, new long[] {3}, new long[] {1, -2, 3})) {
            assertThat(t.byteSize()).isEqualTo(2);
            assertThat(t.toByteArray()).containsExactly(0xe1, 0x03);
            t.setScalarLong(1, 7);
            assertThat(t.toByteArray()).containsExactly(0x71, 0x03);
            t.setScalarLong(2, 9);
            assertThat(t.getScalarLong(2)).as("9 wraps to -7 in int4").isEqualTo(-7);
            assertThat(t.getScalarLong(0)).isEqualTo(1);
        }
        try (Tensor u = Tensor.fromLongs(DataType.UINT4, new long[] {2, 2}, new long[] {15, 16, 0, 5})) {
            assertThat(u.toLongArray()).containsExactly(15, 0, 0, 5);
            assertThat(u.toByteArray()).containsExactly(0x0f, 0x50);
        }
        try (Tensor a = Tensor.fromBytes(DataType.UINT4, new long[] {3}, le(0x21, 0x03));
             Tensor b = Tensor.fromBytes(DataType.UINT4, new long[] {3}, le(0x21, 0xf3));
             Tensor c = Tensor.fromBytes(DataType.UINT4, new long[] {3}, le(0x21, 0x04))) {
            assertThat(a.contentEquals(b)).as("the unused high nibble of the last byte does not count").isTrue();
            assertThat(a.contentEquals(c)).isFalse();
        }
    }

    // ---------------------------------------------------------------- casts

    @Test
    void castsRoundOnce() {
        try (Tensor f = Tensor.of(new float[] {-1.7f, 2.9f, Float.NaN, 300f, -1f}); Tensor i = f.cast(DataType.INT32); Tensor u = f.cast(DataType.UINT8)) {
            assertThat(i.toLongArray()).as("toward zero, NaN to 0").containsExactly(-1, 2, 0, 300, -1);
            assertThat(u.toLongArray()).as("wraps like C").containsExactly(255, 2, 0, 44, 255);
        }
        try (Tensor l = Tensor.of(new long[] {(1L << 24) + 1, (1L << 24) + 3, (1L << 60) + (1L << 52) + 1}); Tensor f = l.cast(DataType.FLOAT);
             Tensor b = l.cast(DataType.BFLOAT16); Tensor d = l.cast(DataType.DOUBLE)) {
            assertThat(f.toFloatArray()).containsExactly(16777216f, 16777220f, 0x1p60f + 0x1p52f);
            assertThat(b.getScalarDouble(2)).as("2^60 + 2^52 + 1 lies above the bf16 midpoint: rounds up").isEqualTo(0x1.02p60);
            assertThat(d.getScalarDouble(0)).isEqualTo(16777217.0);
        }
        try (Tensor u = Tensor.fromLongs(DataType.UINT64, new long[] {2}, new long[] {-1L, Long.MIN_VALUE + 1025});
             Tensor d = u.cast(DataType.DOUBLE); Tensor f = u.cast(DataType.FLOAT); Tensor i = u.cast(DataType.INT64)) {
            assertThat(d.toDoubleArray()).containsExactly(0x1p64, 0x1p63 + 2048);
            assertThat(f.toFloatArray()).containsExactly(0x1p64f, 0x1p63f);
            assertThat(i.toLongArray()).containsExactly(-1L, Long.MIN_VALUE + 1025);
        }
        try (Tensor f = Tensor.of(new float[] {2049f, 2051f}); Tensor h = f.cast(DataType.FLOAT16)) {
            assertThat(h.toFloatArray()).as("ties to even").containsExactly(2048f, 2052f);
        }
        try (Tensor d = Tensor.of(new double[] {1 + 0x1p-11 + 0x1p-40}); Tensor h = d.cast(DataType.FLOAT16)) {
            assertThat(h.toByteArray()).as("no double rounding through float").containsExactly(0x01, 0x3c);
        }
        try (Tensor f = Tensor.of(new float[] {0f, -0f, Float.NaN, 2f}); Tensor b = f.cast(DataType.BOOL)) {
            assertThat(b.toBooleanArray()).containsExactly(false, false, true, true);
        }
        try (Tensor b = Tensor.of(new boolean[] {true, false}); Tensor f = b.cast(DataType.FLOAT)) {
            assertThat(f.toFloatArray()).containsExactly(1f, 0f);
        }
        try (Tensor c = Tensor.fromDoubles(DataType.COMPLEX64, new long[] {2}, new double[] {1, 2, 3, 4});
             Tensor r = c.cast(DataType.FLOAT); Tensor cc = c.cast(DataType.COMPLEX128); Tensor f = Tensor.of(new float[] {5f}); Tensor fc = f.cast(DataType.COMPLEX64)) {
            assertThat(r.toFloatArray()).as("real part").containsExactly(1f, 3f);
            assertThat(cc.toDoubleArray()).containsExactly(1, 2, 3, 4);
            assertThat(fc.toFloatArray()).containsExactly(5f, 0f);
        }
        try (Tensor f = Tensor.of(new float[] {1e9f, -0.3f}); Tensor e = f.cast(DataType.FLOAT8E5M2); Tensor q = f.cast(DataType.FLOAT4E2M1)) {
            assertThat(e.toFloatArray()).as("casts to FP8 saturate").containsExactly(57344f, -0.3125f);
            assertThat(q.toFloatArray()).containsExactly(6f, -0.5f);
        }
        try (Tensor s = Tensor.of(new String[] {"1"})) {
            assertThatThrownBy(() -> s.cast(DataType.FLOAT)).isInstanceOf(UnsupportedOperationException.class)
                    .hasMessage("cast between STRING and FLOAT is not numeric; convert strings explicitly");
        }
    }

    // ---------------------------------------------------------------- views and lifetimes

    @Test
    void reshapeIsAViewSharingData() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6});
        Tensor v = t.reshape(2, 3);
        Tensor w = v.reshape(3, 2);
        assertThat(t.isOwner()).isTrue();
        assertThat(v.isOwner()).isFalse();
        assertThat(v.getDouble(1, 0)).isEqualTo(4);
        v.setScalarDouble(0, 10);
        assertThat(t.getScalarDouble(0)).isEqualTo(10);
        assertThat(w.getDouble(2, 1)).isEqualTo(6);
        v.close();
        assertThat(t.getScalarDouble(1)).as("closing a view leaves the owner usable").isEqualTo(2);
        assertThat(w.getScalarDouble(1)).isEqualTo(2);
        t.close();
        assertThatThrownBy(() -> w.getScalarDouble(0)).isInstanceOf(IllegalStateException.class)
                .hasMessage("tensor f32[3,2] is a view of tensor f32[6], which is closed");
        assertThatThrownBy(w::toFloatArray).isInstanceOf(IllegalStateException.class).hasMessageContaining("which is closed");
        assertThat(w.toString()).isEqualTo("Tensor<f32[3,2]>(closed)");
        try (Tensor u = Tensor.of(new int[] {1, 2})) {
            assertThatThrownBy(() -> u.reshape(3)).isInstanceOf(IllegalArgumentException.class).hasMessage("cannot reshape [2] to [3]");
            assertThatThrownBy(() -> u.reshape(-1, -2)).isInstanceOf(IllegalArgumentException.class).hasMessage("negative dimension in shape [-1,-2]");
        }
    }

    @Test
    void useAfterCloseIsAClearIllegalState() {
        Tensor t = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        t.close();
        t.close(); // idempotent
        assertThat(t.isClosed()).isTrue();
        String msg = "tensor f32[2,3] is closed";
        assertThatThrownBy(() -> t.getScalarDouble(0)).isInstanceOf(IllegalStateException.class).hasMessage(msg);
        assertThatThrownBy(() -> t.getScalarLong(0)).isInstanceOf(IllegalStateException.class).hasMessage(msg);
        assertThatThrownBy(() -> t.setScalarDouble(0, 1)).isInstanceOf(IllegalStateException.class).hasMessage(msg);
        assertThatThrownBy(() -> t.setScalarLong(0, 1)).isInstanceOf(IllegalStateException.class).hasMessage(msg);
        assertThatThrownBy(t::toFloatArray).isInstanceOf(IllegalStateException.class).hasMessage(msg);
        assertThatThrownBy(t::toByteArray).isInstanceOf(IllegalStateException.class).hasMessage(msg);
        assertThatThrownBy(t::segment).isInstanceOf(IllegalStateException.class).hasMessage(msg);
        assertThatThrownBy(t::copy).isInstanceOf(IllegalStateException.class).hasMessage(msg);
        assertThatThrownBy(() -> t.reshape(6)).isInstanceOf(IllegalStateException.class).hasMessage(msg);
        assertThatThrownBy(() -> t.cast(DataType.INT32)).isInstanceOf(IllegalStateException.class).hasMessage(msg);
        assertThatThrownBy(() -> t.contentEquals(t)).isInstanceOf(IllegalStateException.class).hasMessage(msg);
        assertThat(t.toString()).isEqualTo("Tensor<f32[2,3]>(closed)");
        Tensor s = Tensor.of(new String[] {"x"});
        s.close();
        assertThatThrownBy(() -> s.getString(0)).isInstanceOf(IllegalStateException.class).hasMessage("tensor str[1] is closed");
    }

    @Test
    void wrappedMemoryIsLeftAloneOnClose() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(16);
            seg.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, 42);
            Tensor view = Tensor.wrap(DataType.INT32, new long[] {2}, seg);
            assertThat(view.isOwner()).isFalse();
            assertThat(view.byteSize()).isEqualTo(8);
            assertThat(view.getScalarLong(0)).isEqualTo(42);
            view.setScalarLong(1, 7);
            view.close();
            assertThat(seg.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4)).isEqualTo(7);
            assertThatThrownBy(() -> view.getScalarLong(0)).isInstanceOf(IllegalStateException.class).hasMessage("tensor i32[2] is closed");
            assertThatThrownBy(() -> Tensor.wrap(DataType.INT64, new long[] {3}, seg)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("segment of 16 bytes too small for INT64[3] (24 bytes)");
        }
    }

    @Test
    void copyIsIndependent() {
        try (Tensor t = Tensor.of(new int[] {1, 2}); Tensor c = t.copy()) {
            c.setScalarLong(0, 9);
            assertThat(t.getScalarLong(0)).isEqualTo(1);
            assertThat(c.isOwner()).isTrue();
        }
    }

    @Test
    void allocationRejectsBadShapesAndTypes() {
        assertThatThrownBy(() -> Tensor.allocate(DataType.FLOAT, 2, -1)).isInstanceOf(IllegalArgumentException.class).hasMessage("negative dimension in shape [2,-1]");
        assertThatThrownBy(() -> Tensor.allocate(DataType.UNDEFINED, 2)).isInstanceOf(IllegalArgumentException.class).hasMessage("cannot allocate a tensor of UNDEFINED type");
        assertThatThrownBy(() -> Tensor.allocate(DataType.INT8, Long.MAX_VALUE, 4)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too many elements");
        try (Tensor z = Tensor.allocate(DataType.FLOAT, 0, 5); Tensor e = Tensor.allocate(DataType.STRING, 2)) {
            assertThat(z.size()).isZero();
            assertThat(z.toFloatArray()).isEmpty();
            assertThat(e.toStringArray()).containsExactly("", "");
        }
        try (Tensor t = Tensor.allocate(DataType.FLOAT, 2, 2)) {
            assertThatThrownBy(() -> t.getDouble(2, 0)).isInstanceOf(IndexOutOfBoundsException.class).hasMessage("index [2, 0] out of bounds for shape [2, 2]");
            assertThatThrownBy(() -> t.getDouble(0)).isInstanceOf(IllegalArgumentException.class).hasMessage("index of rank 1 for tensor of rank 2");
            assertThat(t.segment().address() % Tensor.ALIGNMENT).isZero();
        }
    }

    // ---------------------------------------------------------------- equality

    @Test
    void contentEqualsIsBitwise() {
        try (Tensor a = Tensor.of(new float[] {Float.NaN, 0f}); Tensor b = Tensor.of(new float[] {Float.NaN, 0f});
             Tensor c = Tensor.of(new float[] {Float.NaN, -0f}); Tensor d = Tensor.of(new float[] {Float.intBitsToFloat(0x7fc00001), 0f});
             Tensor e = Tensor.of(new float[] {Float.NaN, 0f}, 2, 1); Tensor f = Tensor.of(new int[] {0x7fc00000, 0})) {
            assertThat(a.contentEquals(b)).isTrue();
            assertThat(a.contentEquals(a)).isTrue();
            assertThat(a.contentEquals(c)).as("0.0 vs -0.0").isFalse();
            assertThat(a.contentEquals(d)).as("another NaN").isFalse();
            assertThat(a.contentEquals(e)).as("another shape").isFalse();
            assertThat(a.contentEquals(f)).as("another type, same bits").isFalse();
        }
        try (Tensor s = Tensor.of(new String[] {"a", "b"}); Tensor t = Tensor.of(new String[] {"a", "b"}); Tensor u = Tensor.of(new String[] {"a", "c"})) {
            assertThat(s.contentEquals(t)).isTrue();
            assertThat(s.contentEquals(u)).isFalse();
        }
    }

    @Test
    void valueWrappers() {
        Tensor a = Tensor.of(new float[] {1});
        Tensor b = Tensor.of(new float[] {2});
        TensorSequence seq = new TensorSequence(DataType.FLOAT, java.util.List.of(a, b));
        assertThat(seq.kind()).isEqualTo(ValueKind.SEQUENCE);
        assertThat(seq.size()).isEqualTo(2);
        OptionalValue opt = new OptionalValue(TensorDesc.of(DataType.FLOAT, 1).withKind(ValueKind.SEQUENCE), seq);
        assertThat(opt.kind()).isEqualTo(ValueKind.OPTIONAL_SEQUENCE);
        assertThat(opt.isPresent()).isTrue();
        opt.close();
        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isTrue();
        assertThat(OptionalValue.empty(TensorDesc.of(DataType.INT64)).isPresent()).isFalse();
        try (Tensor i = Tensor.of(new int[] {1})) {
            assertThatThrownBy(() -> new TensorSequence(DataType.FLOAT, java.util.List.of(i))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("sequence of FLOAT holds a INT32 tensor");
        }
    }
}
