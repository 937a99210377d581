/**
 * Layout choice, the {@code layout} hook of the pipeline (O3, after fusion, before kernel selection):
 * {@link org.ge4j.compiler.layout.NchwcLayout} rewrites convnets into the blocked channel layout NCHWc of
 * {@link org.ge4j.ops.blocked}. On by default at O3: {@code layout:off} or {@code -Dge4j.nchwc=false} switch it off.
 */
package org.ge4j.compiler.layout;
