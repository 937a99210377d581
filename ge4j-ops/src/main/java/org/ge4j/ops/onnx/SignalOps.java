package org.ge4j.ops.onnx;

import org.ge4j.ops.OpRegistry;
import org.ge4j.ops.PartedOpLibrary;
import org.ge4j.ops.onnx.signal.Fourier;
import org.ge4j.ops.onnx.signal.GridSample;
import org.ge4j.ops.onnx.signal.IntegerOps;
import org.ge4j.ops.onnx.signal.NonMaxSuppression;
import org.ge4j.ops.onnx.signal.Quantization;
import org.ge4j.ops.onnx.signal.Recurrent;
import org.ge4j.ops.onnx.signal.Resize;
import org.ge4j.ops.onnx.signal.RoiAlign;
import org.ge4j.ops.onnx.signal.Windows;

/** ONNX default-domain ops: RNN/GRU/LSTM, Resize/Upsample, NonMaxSuppression, DFT/STFT, windows, quantisation, RoiAlign, GridSample. */
public final class SignalOps extends PartedOpLibrary {
    @Override public String name() { return "onnx-signal"; }

    @Override public int parts() { return 9; }

    @Override public void register(OpRegistry r, int part) {
        switch (part) {
            case 0 -> Recurrent.register(r);
            case 1 -> Resize.register(r);
            case 2 -> NonMaxSuppression.register(r);
            case 3 -> Fourier.register(r);
            case 4 -> Windows.register(r);
            case 5 -> Quantization.register(r);
            case 6 -> IntegerOps.register(r);
            case 7 -> RoiAlign.register(r);
            case 8 -> GridSample.register(r);
            default -> throw new IllegalArgumentException("part " + part + " of 9");
        }
    }
}
