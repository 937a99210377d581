/**
 * The blocked channel layout (NCHWc) and its ops in the {@code ge4j} domain. A blocked tensor holds the
 * logical NCHW tensor {@code [N, C, H, W]} as the 5-D tensor {@code [N, ceil(C/b), H, W, b]}: channel
 * {@code c} sits at {@code [n, c / b, h, w, c % b]}, and the lanes of channels {@code c >= C} in the last
 * block hold zeros (every producer writes them as zero). Because a blocked tensor is an ordinary 5-D
 * tensor, same-shape elementwise ops and Concat on axis 1 (when every part has a multiple of b channels)
 * work on it unchanged. The compiler's layout pass makes these ops; the reference kernels here unblock,
 * run the plain op's reference kernel and block again, so they define the semantics exactly.
 */
package org.ge4j.ops.blocked;
