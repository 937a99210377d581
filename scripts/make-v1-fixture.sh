#!/usr/bin/env bash
# Rebuilds the frozen test fixture ge4j-runtime/src/test/resources/org/ge4j/runtime/v1-two-branches.om: a .om in
# format version 1, which only the writer from before format 2 (commit e78dc6c) produces. Checks that commit's
# parent out into a temporary worktree, adds a one-off test there that builds the graph
# StreamExecutionTest.aVersionOneFileLoadsAsSingleStream rebuilds (two branches of MatMul 16x16 + Sigmoid / Tanh,
# twice, added), compiles and saves it, and copies the file here.
# Usage: scripts/make-v1-fixture.sh [OUT]   (default: the fixture's path)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/ge4j-runtime/src/test/resources/org/ge4j/runtime/v1-two-branches.om}"
. "$root/bin/find-jdk.sh"
tree="$(mktemp -d)/v1"
git -C "$root" worktree add -q --detach "$tree" 'e78dc6c^'
trap 'git -C "$root" worktree remove --force "$tree"' EXIT
cat > "$tree/ge4j-runtime/src/test/java/org/ge4j/runtime/MakeV1FixtureTest.java" <<'JAVA'
package org.ge4j.runtime;

import static org.ge4j.runtime.TestGraphs.random;

import java.nio.file.Path;
import org.ge4j.ir.DataType;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ops.api.GraphBuilder;
import org.junit.jupiter.api.Test;

class MakeV1FixtureTest {
    @Test
    void write() {
        GraphBuilder b = GraphBuilder.create("v1_two_branches").opset(17);
        OutDataAnchor in = b.input("x", DataType.FLOAT, 4, 16);
        OutDataAnchor lft = in, rgt = in;
        for (int i = 0; i < 2; i++) lft = b.sigmoid(b.matMul(lft, b.constant(random(10 + i, 16, 16))));
        for (int i = 0; i < 2; i++) rgt = b.tanh(b.matMul(rgt, b.constant(random(20 + i, 16, 16))));
        try (CompiledModel m = CompiledModel.compile(b.output("y", b.add(lft, rgt)).build())) {
            m.save(Path.of(System.getProperty("v1.out")));
        }
    }
}
JAVA
(cd "$tree" && mvn -B -q -o test -pl ge4j-runtime -am -Dtest=MakeV1FixtureTest -Dsurefire.failIfNoSpecifiedTests=false \
    "-Dsurefire.extraArgs=-Dv1.out=$tree/v1.om")
cp "$tree/v1.om" "$out"
echo "make-v1-fixture: wrote $out ($(stat -c %s "$out") bytes, format version $(od -A n -t u4 -j 8 -N 4 "$out" | tr -d ' '))"
