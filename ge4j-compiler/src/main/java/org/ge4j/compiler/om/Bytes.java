package org.ge4j.compiler.om;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Little-endian primitive encoding for the .om partitions: a growable writer and a bounds-checked reader. */
final class Bytes {
    private Bytes() {}

    /** Appends little-endian numbers, length-prefixed UTF-8 strings and arrays. */
    static final class Writer {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 12).order(ByteOrder.LITTLE_ENDIAN);

        private void room(int n) {
            if (buf.remaining() >= n) return;
            int cap = Math.max(buf.capacity() * 2, buf.position() + n);
            ByteBuffer b = ByteBuffer.allocate(cap).order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            b.put(buf);
            buf = b;
        }

        Writer i8(int v) { room(1); buf.put((byte) v); return this; }

        Writer i32(int v) { room(4); buf.putInt(v); return this; }

        Writer i64(long v) { room(8); buf.putLong(v); return this; }

        Writer str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i32(b.length);
            room(b.length);
            buf.put(b);
            return this;
        }

        Writer bytes(byte[] v) {
            i32(v.length);
            room(v.length);
            buf.put(v);
            return this;
        }

        Writer longs(long[] v) {
            i32(v.length);
            for (long x : v) i64(x);
            return this;
        }

        Writer ints(int[] v) {
            i32(v.length);
            for (int x : v) i32(x);
            return this;
        }

        byte[] toByteArray() { return Arrays.copyOf(buf.array(), buf.position()); }
    }

    /** Reads what {@link Writer} wrote; running past the end or a negative length is an {@link OmFormatException}. */
    static final class Reader {
        private final ByteBuffer buf;
        private final String what;

        Reader(ByteBuffer b, String what) {
            this.buf = b.slice().order(ByteOrder.LITTLE_ENDIAN);
            this.what = what;
        }

        private void need(long n) {
            if (n < 0 || n > buf.remaining())
                throw new OmFormatException("the " + what + " is corrupt: needs " + n + " more bytes at offset " + buf.position() + ", has " + buf.remaining());
        }

        int i8() { need(1); return buf.get(); }

        int i32() { need(4); return buf.getInt(); }

        long i64() { need(8); return buf.getLong(); }

        int count() {
            int n = i32();
            if (n < 0 || n > buf.remaining()) throw new OmFormatException("the " + what + " is corrupt: bad count " + n + " at offset " + (buf.position() - 4));
            return n;
        }

        String str() {
            int n = count();
            byte[] b = new byte[n];
            buf.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        byte[] bytes() {
            int n = count();
            byte[] b = new byte[n];
            buf.get(b);
            return b;
        }

        long[] longs() {
            int n = i32();
            need(8L * Math.max(n, 0));
            long[] v = new long[n];
            for (int i = 0; i < n; i++) v[i] = buf.getLong();
            return v;
        }

        int[] ints() {
            int n = i32();
            need(4L * Math.max(n, 0));
            int[] v = new int[n];
            for (int i = 0; i < n; i++) v[i] = buf.getInt();
            return v;
        }

        boolean atEnd() { return !buf.hasRemaining(); }

        OmFormatException corrupt(String detail) { return new OmFormatException("the " + what + " is corrupt: " + detail); }
    }
}
