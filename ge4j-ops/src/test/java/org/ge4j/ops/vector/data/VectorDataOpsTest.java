package org.ge4j.ops.vector.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.ge4j.ops.OpRegistry;
import org.junit.jupiter.api.Test;

/** The library is found by ServiceLoader and gives the vector provider a compiler for each of its ops. */
class VectorDataOpsTest {
    @Test
    void everyOpHasAVectorCompiler() {
        OpRegistry r = OpRegistry.global();
        assertThat(r.libraries()).contains("ge4j-vector-data");
        String[] ops = {"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Transpose", "Slice", "Expand", "Tile", "Concat", "Split", "Gather",
                "Pad", "Where", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Not", "Cast", "CastLike", "Shape",
                "Size", "ConstantOfShape", "Range", "ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "Sqrt", "Pow"};
        for (String op : ops) assertThat(r.compiler(OpRegistry.VECTOR, "", op)).as(op).isNotNull();
    }
}
