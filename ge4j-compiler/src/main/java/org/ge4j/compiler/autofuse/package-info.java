/**
 * Automatic fusion ({@code auto-fusion}, O2 and O3): connected elementwise nodes, and the order-keeping
 * views between them, become {@code ge4j::FusedElementwise} nodes whose program the kernel generator of
 * {@code org.ge4j.ops.autofuse} turns into one loop. {@link org.ge4j.compiler.autofuse.FusionCandidates}
 * decides what may fuse (traits and lowering rules, never op names), {@link org.ge4j.compiler.autofuse.Grouping}
 * forms convex groups, {@link org.ge4j.compiler.autofuse.AutoFusion} writes the programs and rewires the graph.
 */
package org.ge4j.compiler.autofuse;
