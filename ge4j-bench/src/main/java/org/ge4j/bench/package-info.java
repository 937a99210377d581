/**
 * The benchmark: {@code ge4j bench MODEL [--vs-ort]}. {@link org.ge4j.bench.Benchmark} loads each
 * {@link org.ge4j.bench.Engine} (ge4j, ONNX Runtime), times the first run, checks the outputs agree,
 * warms up and times the engines alternating ({@link org.ge4j.bench.Bencher}); {@link org.ge4j.bench.ColdRunner}
 * measures cold starts and peak RSS in fresh JVMs; {@link org.ge4j.bench.BenchReport} prints and records
 * the results and {@link org.ge4j.bench.BenchTable} turns the records into BENCHMARKS.md's tables.
 * ONNX Runtime is a dependency of this module only.
 */
package org.ge4j.bench;
