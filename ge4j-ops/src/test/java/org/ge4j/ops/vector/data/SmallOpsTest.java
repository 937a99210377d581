package org.ge4j.ops.vector.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.vector.data.DataHarness.assertClose;
import static org.ge4j.ops.vector.data.DataHarness.assertDeclines;
import static org.ge4j.ops.vector.data.DataHarness.assertSame;
import static org.ge4j.ops.vector.data.DataHarness.floats;
import static org.ge4j.ops.vector.data.DataHarness.longs;
import static org.ge4j.ops.vector.data.DataHarness.op;
import static org.ge4j.ops.vector.data.DataHarness.random;

import java.lang.foreign.MemorySegment;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Tensor;
import org.junit.jupiter.api.Test;

/** Pad, Where, comparisons, logic, Cast, the shape ops, Range, reductions, Sqrt and Pow against their reference kernels. */
class SmallOpsTest {
    private static final DataType[] TYPES = {DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16, DataType.INT32, DataType.INT64,
            DataType.INT8, DataType.UINT8, DataType.BOOL};

    @Test
    void padModesAndNegativePads() {
        Tensor x = floats(1, 3, 4, 5);
        for (String mode : new String[] {"constant", "edge", "reflect", "wrap"}) {
            assertSame(op("Pad").attr("mode", mode).in(x).constIn(longs(1, 0, 2, 2, 1, 3)).build());
            assertSame(op("Pad").attr("mode", mode).in(x).constIn(longs(0, 2, 0, 1, 0, 4)).build());
            assertSame(op("Pad").attr("mode", mode).in(x).constIn(longs(-1, 1, -2, 0, 2, 1)).build());
            assertSame(op("Pad").opset(18).attr("mode", mode).in(x).constIn(longs(3, 1)).absent().constIn(longs(-1)).build());
        }
        assertSame(op("Pad").in(x).constIn(longs(1, 1, 1, 1, 1, 1)).constIn(Tensor.scalar(2.5f)).build());
        assertSame(op("Pad").in(x).constIn(longs(0, 0, 0, 0, 0, 0)).build());
        assertSame(op("Pad").opset(2).attr("mode", "constant").ints("pads", 0, 1, 1, 0, 2, 2).attr("value", -1.5f).in(x).build());
        assertSame(op("Pad").opset(2).attr("mode", "reflect").ints("pads", 1, 2, 0, 1, 3, 2).in(x).build());
        for (DataType t : TYPES) {
            Tensor v = Tensor.allocate(t);
            v.setScalarLong(0, 1);
            assertSame(op("Pad").in(random(t, 2, 2, 3)).constIn(longs(1, 2, 0, 1)).constIn(v).build());
            assertSame(op("Pad").attr("mode", "reflect").in(random(t, 3, 4, 3)).constIn(longs(2, 1, 3, 2)).build());
        }
        // conv-style spatial padding of NCHW
        assertSame(op("Pad").in(floats(5, 1, 8, 14, 14)).constIn(longs(0, 0, 1, 1, 0, 0, 1, 1)).build());
    }

    @Test
    void padDeclinesRuntimePads() {
        assertDeclines(op("Pad").in(floats(1, 3, 4)).in(longs(1, 0, 2, 2)).build());
    }

    @Test
    void whereWithBroadcasting() {
        for (DataType t : TYPES) {
            assertSame(op("Where").in(random(DataType.BOOL, 1, 3, 4)).in(random(t, 2, 3, 4)).in(random(t, 3, 3, 4)).build());
            assertSame(op("Where").in(random(DataType.BOOL, 4, 3, 1)).in(random(t, 5, 1, 4)).in(random(t, 6)).build());
        }
        assertSame(op("Where").in(random(DataType.BOOL, 7, 1, 1, 5, 5)).in(Tensor.scalar(-1e9f)).in(floats(8, 2, 3, 5, 5)).build()); // attention mask
        assertSame(op("Where").in(random(DataType.BOOL, 9, 2, 1, 4)).in(floats(10, 5, 1)).in(floats(11, 2, 5, 4)).build());
    }

    @Test
    void comparisonsAndLogic() {
        DataType[] num = {DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16, DataType.INT32, DataType.INT64, DataType.INT8, DataType.UINT8};
        for (String c : new String[] {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual"})
            for (DataType t : num) {
                Tensor a = random(t, 1, 4, 5), b = a.copy();
                for (long i = 0; i < b.size(); i += 3) b.setScalarLong(i, b.getScalarLong(i) + 1); // some equal, some not
                assertSame(op(c).in(a).in(b).build());
                assertSame(op(c).in(random(t, 2, 4, 1)).in(random(t, 3, 5)).build());
            }
        Tensor nan = Tensor.of(new float[] {Float.NaN, 1, 2, Float.NaN}, 4), other = Tensor.of(new float[] {Float.NaN, 1, 3, 0}, 4);
        for (String c : new String[] {"Equal", "Less", "Greater"}) assertSame(op(c).in(nan).in(other).build());
        assertSame(op("Equal").in(random(DataType.BOOL, 4, 6)).in(random(DataType.BOOL, 5, 6)).build());
        for (String c : new String[] {"And", "Or", "Xor"}) {
            assertSame(op(c).in(random(DataType.BOOL, 6, 3, 4)).in(random(DataType.BOOL, 7, 3, 4)).build());
            assertSame(op(c).in(random(DataType.BOOL, 8, 3, 1)).in(random(DataType.BOOL, 9, 4)).build());
        }
        assertSame(op("Not").in(random(DataType.BOOL, 10, 7, 3)).build());
    }

    @Test
    void castBetweenEveryPair() {
        DataType[] all = {DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16, DataType.INT32, DataType.INT64, DataType.INT8,
                DataType.UINT8, DataType.BOOL, DataType.INT16, DataType.UINT16, DataType.UINT32};
        long seed = 1;
        for (DataType from : all)
            for (DataType to : all) {
                Tensor x = random(from, seed++, 6, 7);
                if (from.isFloatingPoint()) {
                    x.setScalarDouble(0, 0.5);
                    x.setScalarDouble(1, -2.75);
                    x.setScalarDouble(2, 1000.5);
                }
                assertSame(op("Cast").attr("to", (long) to.onnxCode()).in(x).build());
            }
        // specials: NaN, infinities, out-of-range values wrap like C
        Tensor f = Tensor.of(new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e9f, -3e9f, 1e20f, 65520f, -0f, 1.00390625f}, 9);
        for (DataType to : all) assertSame(op("Cast").attr("to", (long) to.onnxCode()).in(f).build());
        Tensor big = Tensor.of(new long[] {Long.MAX_VALUE, Long.MIN_VALUE, (1L << 53) + 1, -(1L << 60) - 12345, 70000, -129, 255, 4294967297L}, 8);
        for (DataType to : all) assertSame(op("Cast").attr("to", (long) to.onnxCode()).in(big).build());
        assertSame(op("CastLike").in(floats(3, 4, 4)).in(Tensor.of(new long[] {1}, 1)).build());
    }

    @Test
    void shapeSizeConstantOfShapeRange() {
        Tensor x = floats(1, 2, 3, 4, 5);
        assertSame(op("Shape").in(x).build());
        assertSame(op("Shape").attr("start", 1L).attr("end", -1L).in(x).build());
        assertSame(op("Shape").attr("start", -2L).in(x).build());
        assertSame(op("Size").in(x).build());
        assertSame(op("ConstantOfShape").constIn(longs(2, 3)).build());
        assertSame(op("ConstantOfShape").attr("value", Tensor.of(new long[] {7}, 1)).constIn(longs(3, 5)).build());
        assertSame(op("ConstantOfShape").attr("value", Tensor.of(new float[] {1.5f}, 1)).constIn(longs(1, 197, 7)).build());
        assertSame(op("ConstantOfShape").attr("value", Tensor.of(new boolean[] {true}, 1)).constIn(longs(9)).build());
        assertSame(op("Range").constIn(Tensor.scalar(3L)).constIn(Tensor.scalar(20L)).constIn(Tensor.scalar(4L)).build());
        assertSame(op("Range").constIn(Tensor.scalar(1.5f)).constIn(Tensor.scalar(-2f)).constIn(Tensor.scalar(-0.3f)).build());
        assertSame(op("Range").constIn(Tensor.scalar(DataType.INT32, 10)).constIn(Tensor.scalar(DataType.INT32, 0)).constIn(Tensor.scalar(DataType.INT32, -3)).build());
        assertSame(op("Range").constIn(Tensor.scalar(DataType.DOUBLE, 0.1)).constIn(Tensor.scalar(DataType.DOUBLE, 1)).constIn(Tensor.scalar(DataType.DOUBLE, 0.1)).build());
    }

    @Test
    void reductionsOverTheLastAxisAllAxesAndABlock() {
        for (String r : new String[] {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin"}) {
            int v = r.equals("ReduceSum") ? 11 : 13; // axes as an attribute
            for (long[] shape : new long[][] {{4, 7}, {2, 3, 768}, {1, 128, 33}, {5, 1}, {3, 40}}) {
                assertClose(op(r).opset(v).ints("axes", -1).in(floats(1, shape)).build(), 1e-5);
                assertClose(op(r).opset(v).attr("keepdims", 0L).in(floats(2, shape)).build(), 1e-5);
            }
            assertClose(op(r).opset(v).ints("axes", 1, 2).in(floats(3, 2, 3, 4, 5)).build(), 1e-5);
            assertClose(op(r).opset(v).ints("axes", 1).in(floats(4, 2, 37, 20)).build(), 1e-5);
            assertClose(op(r).opset(v).ints("axes", 0, 2).in(floats(5, 6, 1, 9, 1)).build(), 1e-5); // dims of 1 between
            assertClose(op(r).opset(18).in(floats(6, 3, 40)).constIn(longs(1)).build(), 1e-5);
            assertDeclines(op(r).opset(v).ints("axes", 0, 2).in(floats(7, 3, 4, 5)).build()); // not one block
        }
        assertClose(op("ReduceSum").opset(13).in(floats(8, 3, 40)).constIn(longs(-1)).build(), 1e-5);
        assertSame(op("ReduceSum").opset(13).attr("noop_with_empty_axes", 1L).in(floats(9, 3, 4)).build());
        Tensor nan = floats(10, 3, 20);
        nan.setScalarDouble(25, Double.NaN);
        assertClose(op("ReduceMax").opset(13).ints("axes", -1).in(nan).build(), 0);
        assertClose(op("ReduceSum").opset(11).ints("axes", -1).in(nan).build(), 1e-5);
        assertClose(op("ReduceMin").opset(13).ints("axes", 0).in(nan).build(), 0);
    }

    @Test
    void sqrtAndPow() {
        Tensor x = DataHarness.random(DataType.FLOAT, 1, 5, 37);
        for (long i = 0; i < x.size(); i++) x.setScalarDouble(i, Math.abs(x.getScalarDouble(i)) * (i + 1));
        x.setScalarDouble(0, 0);
        assertSame(op("Sqrt").in(x).build());
        assertSame(op("Pow").in(floats(2, 5, 37)).constIn(Tensor.scalar(2f)).build());
        assertSame(op("Pow").in(floats(2, 5, 37)).in(Tensor.scalar(2f)).build());
        assertSame(op("Pow").in(x).constIn(Tensor.scalar(0.5f)).build());
        assertSame(op("Pow").in(floats(3, 4, 4)).constIn(Tensor.scalar(3L)).build());
        assertSame(op("Pow").in(floats(4, 4, 4)).in(Tensor.scalar(DataType.INT32, -2)).build());
        assertDeclines(op("Pow").in(floats(5, 4, 4)).in(floats(6, 4, 4)).build());
    }

    @Test
    void smallKernelsAllocateNothing() {
        DataHarness.Case[] cases = {
                op("Where").in(random(DataType.BOOL, 1, 3, 4)).in(floats(2, 1, 4)).in(floats(3, 3, 4)).build(),
                op("Less").in(random(DataType.INT64, 1, 3, 4)).in(random(DataType.INT64, 2, 4)).build(),
                op("Cast").attr("to", (long) DataType.FLOAT16.onnxCode()).in(random(DataType.INT64, 3, 9)).build(),
                op("Pad").attr("mode", "reflect").in(floats(4, 3, 5)).constIn(longs(1, 2, 1, 2)).build(),
                op("ConstantOfShape").attr("value", Tensor.of(new float[] {1.5f}, 1)).constIn(longs(3, 7)).build(),
                op("Shape").in(floats(5, 2, 3)).build(),
                op("ReduceMean").opset(13).ints("axes", -1).in(floats(6, 4, 70)).build(),
                op("ReduceMax").opset(13).ints("axes", 0).in(floats(7, 5, 70)).build(),
                op("Pow").in(floats(8, 5, 37)).in(Tensor.scalar(2f)).build(),
        };
        for (DataHarness.Case c : cases) {
            var k = DataHarness.compile(c);
            MemorySegment[] args = DataHarness.args(c);
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline && DataHarness.allocatedBytes(k, args, 200) > 0) Thread.onSpinWait();
            long many = DataHarness.allocatedBytes(k, args, 2000);
            assertThat(many).as("%s allocates per run", c.what()).isLessThan(4096);
        }
    }
}
