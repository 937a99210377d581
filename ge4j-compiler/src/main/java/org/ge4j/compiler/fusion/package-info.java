/** The fusion patterns of the {@code fusion} pass; {@link org.ge4j.compiler.fusion.FusionPatterns} lists them with their benefits. */
package org.ge4j.compiler.fusion;
