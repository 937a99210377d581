package org.ge4j.ops.util;

/** Axis normalisation helpers (negative axes count from the end). */
public final class Axes {
    private Axes() {}

    /** Normalises {@code axis} into [0, rank); throws IllegalArgumentException when out of range. */
    public static int normalize(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(rank, 1) && !(rank == 0 && a == 0))
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        return (int) a;
    }

    public static int[] normalize(long[] axes, int rank) {
        int[] r = new int[axes.length];
        for (int i = 0; i < axes.length; i++) r[i] = normalize(axes[i], rank);
        return r;
    }
}
