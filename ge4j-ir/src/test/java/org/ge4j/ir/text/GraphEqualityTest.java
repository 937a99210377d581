package org.ge4j.ir.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GraphEqualityTest {
    private static final String BASE = """
            graph g {
              opset "" = 17
              meta "k" = "v"
              input %x : f32[N,4]
              %a = Relu(%x) : f32[N,4]
              %b = Neg(%x) {alpha = 1.5} : f32[N,4]
              %c = Add(%a, %b)
              ctrl %a -> %b
              %d = If(%c) {then_branch = graph t { %e = Abs(%a) return %e }, else_branch = graph f { return %b }}
              return %c, out = %d
            }
            """;

    private static List<String> diff(String a, String b) { return GraphEquality.diff(GraphTextParser.parse(a), GraphTextParser.parse(b)); }

    @Test
    void nodeOrderDoesNotMatter() {
        String reordered = """
                graph g {
                  opset "" = 17
                  meta "k" = "v"
                  input %x : f32[N,4]
                  %b = Neg(%x) {alpha = 1.5} : f32[N,4]
                  %a = Relu(%x) : f32[N,4]
                  ctrl %a -> %b
                  %d = If(%c) {then_branch = graph t { %e = Abs(%a) return %e }, else_branch = graph f { return %b }}
                  %c = Add(%a, %b)
                  return %c, out = %d
                }
                """;
        assertThat(diff(BASE, reordered)).isEmpty();
        assertThat(GraphEquality.structurallyEqual(GraphTextParser.parse(BASE), GraphTextParser.parse(reordered))).isTrue();
    }

    @Test
    void attributeDifference() {
        assertThat(diff(BASE, BASE.replace("alpha = 1.5", "alpha = 2.5")))
                .containsExactly("graph 'g': node 'b' (Neg): attribute 'alpha' is 1.5 vs 2.5");
        assertThat(diff(BASE, BASE.replace("{alpha = 1.5}", "{}")))
                .containsExactly("graph 'g': node 'b' (Neg): attribute 'alpha' is missing in the second graph");
    }

    @Test
    void typeAndNameDifferences() {
        assertThat(diff(BASE, BASE.replace("%a = Relu(%x) : f32[N,4]", "%a = Relu(%x) : f32[M,4]")))
                .containsExactly("graph 'g': node 'a' (Relu): output 0 (%a) has type f32[N,4] vs f32[M,4]");
        assertThat(diff(BASE, BASE.replace("%a = Relu", "relu: %a = Relu")))
                .containsExactly("graph 'g': node 'a' (Relu): node name 'a' vs 'relu'");
        assertThat(diff(BASE, BASE.replace("out = %d", "result = %d")))
                .containsExactly("graph 'g': output 1 is named 'out' vs 'result'");
    }

    @Test
    void wiringDifference() {
        List<String> d = diff(BASE, BASE.replace("Add(%a, %b)", "Add(%b, %a)"));
        assertThat(d).contains("graph 'g': node 'c' (Add) (%a, %b) has no counterpart in the second graph",
                "graph 'g': node 'c' (Add) (%b, %a) of the second graph has no counterpart in the first");
    }

    @Test
    void controlEdgeDifference() {
        assertThat(diff(BASE, BASE.replace("ctrl %a -> %b\n", "")))
                .containsExactly("graph 'g': node 'b' (Neg) has control predecessors [a] vs []");
    }

    @Test
    void modelFactsDifferences() {
        assertThat(diff(BASE, BASE.replace("opset \"\" = 17", "opset \"\" = 18")))
                .containsExactly("graph 'g': opset imports {=17} vs {=18}");
        assertThat(diff(BASE, BASE.replace("meta \"k\" = \"v\"", "meta \"k\" = \"w\"")))
                .containsExactly("graph 'g': metadata {k=v} vs {k=w}");
        assertThat(diff(BASE, BASE.replace("input %x : f32[N,4]", "input %x : f32[N,5]")))
                .containsExactly("graph 'g': input 0: output 0 (%x) has type f32[N,4] vs f32[N,5]");
    }

    @Test
    void subgraphDifferenceNamesItsPath() {
        assertThat(diff(BASE, BASE.replace("%e = Abs(%a)", "%e = Abs(%b)")))
                .contains("graph 'g': node 'd' (If) attribute 'then_branch' > graph 't': node 'e' (Abs) (%a) has no counterpart in the second graph");
        assertThat(diff(BASE, BASE.replace("graph f { return %b }", "graph f { return %a }"))).containsExactlyInAnyOrder(
                "graph 'g': node 'd' (If) attribute 'else_branch' > graph 'f': output 0 ('b') is %b vs %a",
                "graph 'g': node 'd' (If) attribute 'else_branch' > graph 'f': output 0 is named 'b' vs 'a'");
    }

    @Test
    void extraNodeIsReported() {
        assertThat(diff(BASE, BASE.replace("return %c", "%z = Sqrt(%c)\n  return %c")))
                .containsExactly("graph 'g': node 'z' (Sqrt) (%c) of the second graph has no counterpart in the first");
    }
}
