package org.ge4j.ops.onnx.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ge4j.ops.onnx.tensor.T.*;

import java.util.Map;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ops.OpException;
import org.junit.jupiter.api.Test;

class TransposeOpsTest {
    @Test void transposeDefaultReverses() {
        Tensor out = run("Transpose", 13, Map.of(), iotaF(2, 3));
        assertThat(out.shape()).containsExactly(3, 2);
        assertThat(out.toFloatArray()).containsExactly(0, 3, 1, 4, 2, 5);
    }

    @Test void transposeWithPermAcrossTypes() {
        // x[a][b][c] = a*6 + b*2 + c; out[b][a][c]
        long[] expected = {0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11};
        assertThat(run("Transpose", 13, attrs("perm", new long[] {1, 0, 2}), iotaL(2, 3, 2)).toLongArray()).containsExactly(expected);
        String[] s = new String[12];
        for (int i = 0; i < 12; i++) s[i] = "s" + i;
        String[] got = run("Transpose", 13, attrs("perm", new long[] {1, 0, 2}), str(s, 2, 3, 2)).toStringArray();
        for (int i = 0; i < 12; i++) assertThat(got[i]).isEqualTo("s" + expected[i]);
        Tensor b = run("Transpose", 1, Map.of(), bool(new boolean[] {true, false, false, false, true, true}, 2, 3));
        assertThat(b.toBooleanArray()).containsExactly(true, false, false, true, false, true);
        Tensor h = run("Transpose", 13, Map.of(), f16(new double[] {0.5, 1.5, -2, 65504}, 2, 2));
        assertThat(h.dtype()).isEqualTo(DataType.FLOAT16);
        assertThat(h.toDoubleArray()).containsExactly(0.5, -2, 1.5, 65504);
    }

    @Test void transposeComplexMovesWholeElements() {
        // c128 [2,2] = [[1+2i, 3+4i], [5+6i, 7+8i]] -> [[1+2i, 5+6i], [3+4i, 7+8i]]
        Tensor c = Tensor.fromDoubles(DataType.COMPLEX128, new long[] {2, 2}, new double[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThat(run("Transpose", 13, Map.of(), c).toDoubleArray()).containsExactly(1, 2, 5, 6, 3, 4, 7, 8);
        Tensor c64 = Tensor.fromDoubles(DataType.COMPLEX64, new long[] {2, 1}, new double[] {1, -1, 2, -2});
        Tensor t = run("Transpose", 13, Map.of(), c64);
        assertThat(t.shape()).containsExactly(1, 2);
        assertThat(t.toDoubleArray()).containsExactly(1, -1, 2, -2);
    }

    @Test void transposeRejectsBadPerm() {
        assertThatThrownBy(() -> run("Transpose", 13, attrs("perm", new long[] {0, 0}), iotaF(2, 3)))
                .isInstanceOf(OpException.class).hasMessageContaining("not a permutation");
        assertThatThrownBy(() -> run("Transpose", 13, attrs("perm", new long[] {0}), iotaF(2, 3)))
                .isInstanceOf(OpException.class).hasMessageContaining("rank 2");
    }

    @Test void transposeInferenceKeepsSymbols() {
        T.G g = new T.G(17);
        assertThat(g.infer("Transpose", attrs("perm", new long[] {2, 0, 1}), g.input(DataType.FLOAT, "N", 3, "S")).shape())
                .isEqualTo(Shape.of("S", "N", 3L));
    }

    /** The (1, 8, 2, 3) input of the ONNX DepthToSpace example: channel c, row h, column w hold c*9 + h*3 + w. */
    private static Tensor depthInput() {
        float[] v = new float[48];
        for (int c = 0; c < 8; c++) for (int h = 0; h < 2; h++) for (int w = 0; w < 3; w++) v[c * 6 + h * 3 + w] = c * 9 + h * 3 + w;
        return f32(v, 1, 8, 2, 3);
    }

    @Test void depthToSpaceDcrAndCrd() {
        Tensor dcr = run("DepthToSpace", 13, attrs("blocksize", 2L), depthInput());
        assertThat(dcr.shape()).containsExactly(1, 2, 4, 6);
        assertThat(dcr.toFloatArray()).startsWith(0, 18, 1, 19, 2, 20, 36, 54, 37, 55, 38, 56, 3, 21);
        Tensor crd = run("DepthToSpace", 11, attrs("blocksize", 2L, "mode", "CRD"), depthInput());
        assertThat(crd.toFloatArray()).startsWith(0, 9, 1, 10, 2, 11, 18, 27, 19, 28, 20, 29);
        assertThat(crd.toFloatArray()).endsWith(57, 66, 58, 67, 59, 68);
    }

    @Test void spaceToDepthInvertsDepthToSpaceDcr() {
        Tensor x = depthInput();
        Tensor back = run("SpaceToDepth", 13, attrs("blocksize", 2L), run("DepthToSpace", 13, attrs("blocksize", 2L), x));
        assertThat(back.shape()).containsExactly(1, 8, 2, 3);
        assertThat(back.toFloatArray()).containsExactly(x.toFloatArray());
        // [1,1,2,2] -> [1,4,1,1]: channel (by*2+bx) takes pixel (by, bx)
        assertThat(run("SpaceToDepth", 1, attrs("blocksize", 2L), iotaL(1, 1, 2, 2)).toLongArray()).containsExactly(0, 1, 2, 3);
    }

    @Test void blockOpsCheckDivisibility() {
        assertThatThrownBy(() -> run("DepthToSpace", 13, attrs("blocksize", 3L), depthInput()))
                .isInstanceOf(OpException.class).hasMessageContaining("not divisible by blocksize");
        assertThatThrownBy(() -> run("SpaceToDepth", 13, attrs("blocksize", 2L), depthInput()))
                .isInstanceOf(OpException.class).hasMessageContaining("divisible by blocksize 2");
        T.G g = new T.G(13);
        assertThat(g.infer("DepthToSpace", attrs("blocksize", 2L), g.input(DataType.FLOAT, "N", 8, "H", 3)).shape())
                .isEqualTo(Shape.of("N", 2L, "?", 6L));
    }
}
