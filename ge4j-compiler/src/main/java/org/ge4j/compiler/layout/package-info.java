/**
 * Layout choice, the {@code layout} hook of the pipeline (O3, after fusion, before kernel selection):
 * {@link org.ge4j.compiler.layout.NchwcLayout} rewrites convnets into the blocked channel layout NCHWc of
 * {@link org.ge4j.ops.blocked}. Off by default: {@code layout:on} or {@code -Dge4j.nchwc=true}.
 */
package org.ge4j.compiler.layout;
