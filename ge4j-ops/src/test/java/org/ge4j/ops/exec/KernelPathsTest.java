package org.ge4j.ops.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.junit.jupiter.api.Test;

class KernelPathsTest {
    @Test
    void choicesArePrivateNamesThatGoOntoANodeAndBack() {
        KernelPaths p = KernelPaths.of("_ge4j_b", 2).with("_ge4j_a", 0);
        assertThat(p.choices()).containsExactly(Map.entry("_ge4j_a", 0L), Map.entry("_ge4j_b", 2L));
        assertThat(p.get("_ge4j_b", -1)).isEqualTo(2);
        assertThat(p.get("_ge4j_c", -1)).isEqualTo(-1);
        Graph g = new Graph("g");
        Node n = g.addNode("", "Relu", "r", 0);
        n.setAttr("alpha", new Attr.Int(7)); // (not a choice)
        assertThat(KernelPaths.forcedOn(spec(n))).isEqualTo(KernelPaths.NONE);
        p.forceOn(n);
        assertThat(KernelPaths.forcedOn(spec(n))).isEqualTo(p);
        assertThat(p.toString()).isEqualTo("{_ge4j_a=0, _ge4j_b=2}");
    }

    @Test
    void aChoiceNotNamedPrivatelyIsRefused() {
        assertThatThrownBy(() -> KernelPaths.of("tile", 2)).hasMessageContaining("_ge4j_<name>").hasMessageContaining("'tile'");
        assertThatThrownBy(() -> KernelPaths.of("_ge4j_", 2)).isInstanceOf(IllegalArgumentException.class);
    }

    private static NodeSpec spec(Node n) { return new NodeSpec(n, null, List.of(), List.of(), List.of(), 17); }
}
