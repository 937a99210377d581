package org.ge4j.compiler.om;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.compiler.plan.ExecutionPlan;
import org.ge4j.compiler.plan.WeightsLayout;
import org.ge4j.ir.DataType;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Shape;

/**
 * What a compiled model is, as stored in the model-definition partition of a {@code .om}: the optimised
 * graph (constants living in the weights region at the offsets of {@code weights}), the I/O signature, how
 * it executes, its gears with one {@link ExecutionPlan} each, and the options it was compiled with.
 *
 * @param graph    the optimised graph
 * @param weights  where each constant lives in the merged weights region
 * @param inputs   the graph inputs, in order (shapes may be symbolic)
 * @param outputs  the graph outputs, in order
 * @param mode     how the model executes
 * @param gearKind how the gears were given
 * @param gears    the pre-planned input shapes: one for a static model, several with gears, none otherwise
 * @param options  the compile options, as text (for inspection and reproduction)
 */
public record ModelDefinition(Graph graph, WeightsLayout weights, List<IoDesc> inputs, List<IoDesc> outputs, ExecutionMode mode,
                              GearKind gearKind, List<Gear> gears, Map<String, String> options) {
    public ModelDefinition {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        gears = List.copyOf(gears);
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** How a compiled model executes. */
    public enum ExecutionMode {
        /** All shapes static: one plan. */
        STATIC,
        /** A plan per gear, chosen by the input shapes. */
        GEARS,
        /** Symbolic dims: a plan per input-shape signature, built at run time and cached. */
        DYNAMIC,
        /** Control flow: the reference interpreter runs the graph. */
        INTERPRETED
    }

    /** How gears were specified (atc's {@code --dynamic_batch_size} or {@code --dynamic_dims}). */
    public enum GearKind { NONE, BATCH, DIMS }

    /** One input or output: name, element type, shape (dims may be symbolic). */
    public record IoDesc(String name, DataType dtype, Shape shape) {
        @Override public String toString() { return name + ": " + dtype.shortName() + shape; }
    }

    /** One pre-planned variant: the input shapes it serves (in input order) and its plan. */
    public record Gear(List<long[]> inputShapes, ExecutionPlan plan) {
        public Gear {
            List<long[]> l = new ArrayList<>();
            for (long[] s : inputShapes) l.add(s.clone());
            inputShapes = Collections.unmodifiableList(l);
        }

        /** The input shapes as text, e.g. {@code [1,128],[1,128]}. */
        public String describe() {
            StringBuilder sb = new StringBuilder();
            for (long[] s : inputShapes) sb.append(sb.isEmpty() ? "" : ",").append(Shape.toString(s));
            return sb.toString();
        }
    }

    /** The flags of the .om header for this definition. */
    public int flags() {
        return switch (mode) {
            case STATIC -> 0;
            case GEARS -> OmFormat.FLAG_GEARS;
            case DYNAMIC -> OmFormat.FLAG_DYNAMIC;
            case INTERPRETED -> OmFormat.FLAG_INTERPRETED;
        };
    }
}
