package org.ge4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapeSpecsTest {
    @Test
    void inputShapesKeepTheirOrderAndDynamicDims() {
        Map<String, long[]> m = ShapeSpecs.parseInputShape("ids:-1,-1; mask:1,128;scalar:;a:b:2");
        assertThat(m.keySet()).containsExactly("ids", "mask", "scalar", "a:b");
        assertThat(m.get("ids")).containsExactly(-1, -1);
        assertThat(m.get("mask")).containsExactly(1, 128);
        assertThat(m.get("scalar")).isEmpty();
        assertThat(m.get("a:b")).containsExactly(2);
        assertThat(ShapeSpecs.parseInputShape("")).isEmpty();
    }

    @Test
    void badInputShapesAreExplained() {
        assertThatThrownBy(() -> ShapeSpecs.parseInputShape("x")).hasMessageContaining("input shape 'x' must read NAME:d0,d1,...");
        assertThatThrownBy(() -> ShapeSpecs.parseInputShape("x:1,a")).hasMessageContaining("input shape of 'x': 'a' is not an integer");
        assertThatThrownBy(() -> ShapeSpecs.parseInputShape("x:1,-2")).hasMessageContaining("dim -2 must be -1 (dynamic) or at least 0");
        assertThatThrownBy(() -> ShapeSpecs.parseInputShape("x:1;x:2")).hasMessageContaining("'x' is given twice");
    }

    @Test
    void gears() {
        assertThat(ShapeSpecs.parseBatchSizes("1, 2,4,8")).containsExactly(1L, 2L, 4L, 8L);
        List<long[]> d = ShapeSpecs.parseDims("1,128;2,256");
        assertThat(d).hasSize(2);
        assertThat(d.get(1)).containsExactly(2, 256);
        assertThatThrownBy(() -> ShapeSpecs.parseBatchSizes("1,0")).hasMessageContaining("dynamic batch size 0 must be at least 1");
        assertThatThrownBy(() -> ShapeSpecs.parseBatchSizes("2,2")).hasMessageContaining("dynamic batch size 2 is given twice");
        assertThatThrownBy(() -> ShapeSpecs.parseDims("1,2;3")).hasMessageContaining("gear '3' has 1 values, the first gear has 2");
        assertThatThrownBy(() -> ShapeSpecs.parseDims("1,2;1,2")).hasMessageContaining("gear '1,2' is given twice");
        StringBuilder many = new StringBuilder();
        for (int i = 1; i <= 101; i++) many.append(i == 1 ? "" : ",").append(i);
        assertThatThrownBy(() -> ShapeSpecs.parseBatchSizes(many.toString())).hasMessageContaining("101 gears given, at most 100");
    }
}
