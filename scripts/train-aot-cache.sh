#!/usr/bin/env bash
# Makes the JDK AOT cache of the ge4j CLI (JEP 483 class loading and linking, JEP 515 method profiles; JDK 25's
# one-step -XX:AOTCacheOutput of JEP 514) from a training run: `ge4j train-aot` writes two small built-in ONNX
# models (a residual CNN, a transformer block), compiles them to .om, runs the .om files (kernel warm-up
# included) and the .onnx files, and inspects them, all in one JVM. The `ge4j` launcher then starts with
# -XX:AOTCache=ge4j-cli/target/ge4j-cli.aot while that file is newer than the CLI jar (rebuilding the jar makes
# it stale: the launcher runs this script again after it rebuilds the jar). Takes 5-10 seconds.
#
# Usage: scripts/train-aot-cache.sh [CACHE_FILE]   (default: ge4j-cli/target/ge4j-cli.aot)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/ge4j-cli/target/ge4j-cli.aot}"
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
GE4J_AOT=off "$root/ge4j" --version >/dev/null # builds the CLI jar when needed (and trains no cache of its own)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# written next to its place and renamed into it: a launcher starting meanwhile never sees half a cache
tmp="$out.tmp.$$"
trap 'rm -rf "$work" "$tmp" "$tmp.config"' EXIT
echo "train-aot-cache: training run (JVM options as the launcher's; GE4J_JAVA_OPTS='${GE4J_JAVA_OPTS:-}')" >&2
GE4J_AOT=off GE4J_AOT_OUTPUT="$tmp" "$root/ge4j" train-aot "$work" 2>&1 | grep -v -e '^\[' -e 'incubator modules' >&2 || true
if [ ! -s "$tmp" ]; then
  echo "train-aot-cache: no cache was written to $out" >&2
  exit 1
fi
mv -f "$tmp" "$out"
echo "train-aot-cache: wrote $out ($(du -h "$out" | cut -f1)); the ge4j launcher uses it from now on" >&2
