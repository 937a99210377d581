package org.ge4j.ir.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.ge4j.ir.Ge4jException;
import org.junit.jupiter.api.Test;

class GraphTextParserTest {

    private static TextParseException fail(String text) {
        try {
            GraphTextParser.parse(text);
        } catch (TextParseException e) {
            return e;
        }
        throw new AssertionError("parsed without error:\n" + text);
    }

    private static void assertError(String text, int line, int column, String message) {
        TextParseException e = fail(text);
        assertThat(e).isInstanceOf(Ge4jException.class);
        assertThat(e.getMessage()).startsWith("line " + line + ":" + column + ": " + message);
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.column()).isEqualTo(column);
    }

    @Test
    void messageShowsTheLineWithACaret() {
        TextParseException e = fail("graph g {\n  input %x : f32[2]\n  %y = Relu(%x {\n}\n");
        assertThat(e.getMessage()).isEqualTo("""
                line 3:16: expected ')' to close the operands of Relu, found '{'
                    %y = Relu(%x {
                                 ^""");
    }

    @Test
    void unknownValue() {
        assertError("graph g {\n  %y = Relu(%z)\n  return %y\n}", 2, 13, "unknown value %z in graph 'g'");
    }

    @Test
    void valueDefinedTwice() {
        assertError("graph g {\n  input %x : f32[2]\n  %x = Relu(%x)\n}", 3, 3, "value %x is defined twice (first at line 2:9)");
    }

    @Test
    void unknownElementType() {
        assertError("graph g {\n  input %x : f33[2]\n}", 2, 14, "unknown element type 'f33' (expected one of undef, f32, u8");
    }

    @Test
    void tensorWithTooFewElements() {
        assertError("graph g {\n  %c = Constant() {value = tensor<f32[3]> [1.0, 2.0]}\n}", 2, 52, "2 elements given for a tensor of shape [3] (3 elements)");
    }

    @Test
    void tensorWithTooManyElements() {
        assertError("graph g {\n  %c = Constant() {value = tensor<i32[1]> [1, 2]}\n}", 2, 47, "more elements than the 1 of a tensor of shape [1]");
    }

    @Test
    void elementOutOfRange() {
        assertError("graph g {\n  %c = Constant() {value = tensor<u8[1]> [256]}\n}", 2, 43, "256 is out of range for u8 [0, 255]");
    }

    @Test
    void wrongElementKind() {
        assertError("graph g {\n  %c = Constant() {value = tensor<f32[1]> [\"one\"]}\n}", 2, 44, "expected a float (e.g. 1.5, -2.0E-3, inf, -inf, nan), found string \"one\"");
    }

    @Test
    void unterminatedString() {
        assertError("graph g {\n  meta \"abc\" = \"x\"\n  meta \"open\n}", 3, 8, "unterminated string");
    }

    @Test
    void unknownEscape() {
        assertError("graph g {\n  meta \"a\\qb\" = \"x\"\n}", 2, 10, "unknown escape '\\q' in string");
    }

    @Test
    void emptyListNeedsItsType() {
        assertError("graph g {\n  %y = Foo() {ks = []}\n}", 2, 20, "an empty list needs its element type: ints[], floats[], strings[]");
    }

    @Test
    void listMixingKinds() {
        assertError("graph g {\n  %y = Foo() {ks = [1, \"two\"]}\n}", 2, 24, "attribute 'ks' is a list of ints, but element 1 is string");
    }

    @Test
    void attributeGivenTwice() {
        assertError("graph g {\n  %y = Foo() {k = 1, k = 2}\n}", 2, 22, "attribute 'k' is given twice");
    }

    @Test
    void opsetOnlyAtTheRoot() {
        assertError("graph g {\n  %y = If() {b = graph s {\n    opset \"\" = 17\n  }}\n}", 3, 5, "opset imports belong to the root graph, not to subgraph 's'");
    }

    @Test
    void typeCountMustMatchResults() {
        assertError("graph g {\n  input %x : f32[2]\n  %a, %b = Split(%x) : f32[1]\n}", 3, 22, "1 types given for the 2 results of Split");
    }

    @Test
    void nothingAfterReturn() {
        assertError("graph g {\n  input %x : f32[2]\n  return %x\n  %y = Relu(%x)\n}", 4, 3,
                "expected '}' after the return statement of graph 'g', found value %y");
    }

    @Test
    void siblingSubgraphValuesAreNotVisible() {
        String text = """
                graph g {
                  input %c : bool[]
                  %r = If(%c) {
                    then_branch = graph then {
                      %t = Constant() {value = tensor<f32[]> [1.0]}
                      return %t
                    },
                    else_branch = graph else {
                      return %t
                    }
                  }
                  return %r
                }
                """;
        assertError(text, 9, 14, "value %t is defined in graph 'then' (line 5:7), which does not enclose graph 'else'");
    }

    @Test
    void controlEdgeToUnknownNode() {
        assertError("graph g {\n  input %x : f32[2]\n  ctrl @nobody -> %x\n}", 3, 8, "control edge names @nobody, but graph 'g' has no node of that name");
    }

    @Test
    void controlEdgeToAmbiguousName() {
        assertError("graph g {\n  p: Print()\n  p: Print()\n  ctrl #0 -> #1\n  ctrl @p -> #0\n}", 5, 8, "control edge names @p, but several nodes of graph 'g' have that name (use #position)");
    }

    @Test
    void controlEdgePositionOutOfRange() {
        assertError("graph g {\n  p: Print()\n  ctrl #0 -> #5\n}", 3, 14, "control edge names statement #5, but graph 'g' has 1");
    }

    @Test
    void unexpectedCharacter() {
        assertError("graph g {\n  input %x : f32[2];\n}", 2, 20, "unexpected character ';'");
    }

    @Test
    void unclosedGraph() {
        assertError("graph g {\n  input %x : f32[2]\n", 3, 1, "expected '}' to close graph 'g', found end of input");
    }

    @Test
    void missingGraphKeyword() {
        assertError("grap g {}", 1, 1, "expected 'graph' to start the text, found 'grap'");
    }

    @Test
    void trailingText() {
        assertError("graph g {\n}\nextra", 3, 1, "expected end of input after the graph, found 'extra'");
    }

    @Test
    void unknownFormatAndBadShape() {
        assertError("graph g {\n  input %x : f32[1,2]@NCWH\n}", 2, 23, "unknown format 'NCWH'");
        assertError("graph g {\n  input %x : f32[1,-2]\n}", 2, 20, "-2 is out of range for a dimension");
    }

    @Test
    void nanBitsMustBeHexAndFit() {
        assertError("graph g {\n  %y = Foo() {f = nan(12)}\n}", 2, 23, "NaN bits must be hexadecimal");
        assertError("graph g {\n  %c = Constant() {value = tensor<f16[1]> [nan(0x12345)]}\n}", 2, 48, "0x12345 has more than 16 bits");
    }

    @Test
    void missingOperandSeparator() {
        assertError("graph g {\n  input %x : f32[2]\n  %y = Add(%x %x)\n}", 3, 15, "expected ')' to close the operands of Add, found value %x");
    }

    @Test
    void errorsAreGe4jExceptions() {
        assertThatThrownBy(() -> GraphTextParser.parse("")).isInstanceOf(Ge4jException.class)
                .hasMessageStartingWith("line 1:1: expected 'graph' to start the text, found end of input");
    }
}
