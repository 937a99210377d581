package org.ge4j.ops.onnx;

import org.ge4j.ops.OpLibrary;
import org.ge4j.ops.OpRegistry;
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
public final class SignalOps implements OpLibrary {
    @Override public String name() { return "onnx-signal"; }

    @Override public void register(OpRegistry r) {
        Recurrent.register(r);
        Resize.register(r);
        NonMaxSuppression.register(r);
        Fourier.register(r);
        Windows.register(r);
        Quantization.register(r);
        IntegerOps.register(r);
        RoiAlign.register(r);
        GridSample.register(r);
    }
}
