/**
 * The built-in passes: shape inference ({@code infer-shapes}), constant folding ({@code const-fold}),
 * algebraic simplification ({@code simplify}), common subexpression elimination ({@code cse}), dead code
 * elimination ({@code dce}) and pattern fusion ({@code fusion}).
 */
package org.ge4j.compiler.passes;
