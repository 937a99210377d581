/**
 * The pass manager: {@link org.ge4j.compiler.pass.Pass} (a named graph transformation returning "changed"),
 * {@link org.ge4j.compiler.pass.PassContext}, {@link org.ge4j.compiler.pass.PassRegistry} (passes by name),
 * {@link org.ge4j.compiler.pass.Pipelines} (the pipelines of every level, as data),
 * {@link org.ge4j.compiler.pass.PassManager} (the driver: fixed-point groups, the verifier
 * {@link org.ge4j.compiler.pass.GraphCheck} between passes, instruments), and the instruments' kit:
 * {@link org.ge4j.compiler.pass.PassInstrument}, {@link org.ge4j.compiler.pass.GraphDumper},
 * {@link org.ge4j.compiler.pass.GraphDot}.
 */
package org.ge4j.compiler.pass;
