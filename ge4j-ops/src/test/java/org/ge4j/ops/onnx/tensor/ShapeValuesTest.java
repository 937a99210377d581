package org.ge4j.ops.onnx.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ge4j.ops.onnx.tensor.T.*;

import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Dim;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.junit.jupiter.api.Test;

/** Shapes computed at run time from Shape (the exporters' dynamic-batch pattern) keep their symbols. */
class ShapeValuesTest {
    /** Unsqueeze(Gather(Shape(x), i)) = [x.dim(i)]. */
    private static OutDataAnchor dimOf(T.G g, OutDataAnchor shape, long i) {
        OutDataAnchor gathered = g.node("Gather", Map.of(), 1, shape, g.constant(Tensor.scalar(i))).output(0);
        return g.node("Unsqueeze", Map.of(), 1, gathered, g.constant(i64(new long[] {0}))).output(0);
    }

    @Test void reshapeWithBatchFromShape() {
        T.G g = new T.G(13);
        OutDataAnchor x = g.input(DataType.FLOAT, "N", 3, 4);
        OutDataAnchor s = g.node("Shape", Map.of(), 1, x).output(0);
        OutDataAnchor target = g.node("Concat", attrs("axis", 0L), 1, dimOf(g, s, 0), g.constant(i64(new long[] {-1}))).output(0);
        assertThat(g.infer("Reshape", Map.of(), x, target).shape()).isEqualTo(Shape.of("N", 12L));
    }

    @Test void productOfStaticDimsAndSymbolCancel() {
        T.G g = new T.G(13);
        OutDataAnchor x = g.input(DataType.FLOAT, "N", 3, 4);
        OutDataAnchor s = g.node("Shape", Map.of(), 1, x).output(0);
        OutDataAnchor prod = g.node("Mul", Map.of(), 1, dimOf(g, s, 1), dimOf(g, s, 2)).output(0);
        OutDataAnchor target = g.node("Concat", attrs("axis", 0L), 1, dimOf(g, s, 0), prod).output(0);
        assertThat(g.infer("Reshape", Map.of(), x, target).shape()).isEqualTo(Shape.of("N", 12L));

        T.G g2 = new T.G(13); // [N, -1] where the input is [N, S, 4]: -1 = S*4 is not a single dim
        OutDataAnchor y = g2.input(DataType.FLOAT, "N", "S", 4);
        OutDataAnchor s2 = g2.node("Shape", Map.of(), 1, y).output(0);
        OutDataAnchor t2 = g2.node("Concat", attrs("axis", 0L), 1, dimOf(g2, s2, 1), g2.constant(i64(new long[] {-1}))).output(0);
        assertThat(g2.infer("Reshape", Map.of(), y, t2).shape()).isEqualTo(Shape.of("S", "?"));
    }

    @Test void expandConstantOfShapeAndRange() {
        T.G g = new T.G(13);
        OutDataAnchor x = g.input(DataType.FLOAT, "B", "S");
        OutDataAnchor s = g.node("Shape", Map.of(), 1, x).output(0);
        OutDataAnchor bs = g.node("Concat", attrs("axis", 0L), 1, dimOf(g, s, 0), dimOf(g, s, 1)).output(0);
        var expand = g.node("Expand", Map.of(), 1, g.input(DataType.INT64, 1, 1), bs);
        var zeros = g.node("ConstantOfShape", Map.of(), 1, s);
        OutDataAnchor seqLen = g.node("Gather", Map.of(), 1, s, g.constant(Tensor.scalar(1L))).output(0);
        var range = g.node("Range", Map.of(), 1, g.constant(Tensor.scalar(0L)), seqLen, g.constant(Tensor.scalar(1L)));
        g.infer(range);
        assertThat(expand.output(0).desc().shape()).isEqualTo(Shape.of("B", "S"));
        assertThat(zeros.output(0).desc().shape()).isEqualTo(Shape.of("B", "S"));
        assertThat(range.output(0).desc().shape()).isEqualTo(Shape.of("S"));
    }

    @Test void sliceOfShapeAndCast() {
        T.G g = new T.G(13);
        OutDataAnchor x = g.input(DataType.FLOAT, "N", 3, 4);
        OutDataAnchor s = g.node("Shape", Map.of(), 1, x).output(0);
        OutDataAnchor tail = g.node("Slice", Map.of(), 1, s, g.constant(i64(new long[] {1})), g.constant(i64(new long[] {Long.MAX_VALUE}))).output(0);
        var cast = g.node("Cast", Map.of("to", Attr.of((long) DataType.INT64.onnxCode())), 1, tail);
        assertThat(g.infer("Reshape", Map.of(), g.input(DataType.FLOAT, 12), cast.output(0)).shape()).isEqualTo(Shape.of(new long[] {3, 4}));
        assertThat(ShapeValues.of(tail).numbers()).containsExactly(3, 4);
        assertThat(ShapeValues.of(s).dims()).containsExactly(Dim.of("N"), Dim.of(3), Dim.of(4));
    }

    @Test void unknownSourcesStayUnknown() {
        T.G g = new T.G(13);
        OutDataAnchor shape = g.input(DataType.INT64, 2);
        assertThat(ShapeValues.of(shape)).isNull();
        assertThat(g.infer("Reshape", Map.of(), g.input(DataType.FLOAT, "N", 3), shape).shape()).isEqualTo(Shape.unknownDims(2));
    }
}
