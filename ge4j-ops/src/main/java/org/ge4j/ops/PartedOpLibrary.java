package org.ge4j.ops;

/**
 * An {@link OpLibrary} made of {@link #parts()} that register one at a time ({@link #register(OpRegistry, int)}):
 * registering the library is registering every part in order. {@link OpRegistry#global()} registers an indexed
 * library's parts only when their ops are first looked up.
 */
public abstract class PartedOpLibrary implements OpLibrary {
    @Override public final void register(OpRegistry registry) {
        for (int p = 0; p < parts(); p++) register(registry, p);
    }

    @Override public abstract int parts();

    @Override public abstract void register(OpRegistry registry, int part);
}
