package org.ge4j.ops;

/**
 * A set of op schemas and kernels, discovered with {@link java.util.ServiceLoader}: list the implementing
 * class in {@code META-INF/services/org.ge4j.ops.OpLibrary} of your jar and ge4j picks it up.
 */
public interface OpLibrary {
    /** A short name for messages and listings. */
    String name();

    /** Registers this library's schemas and kernels. */
    void register(OpRegistry registry);
}
