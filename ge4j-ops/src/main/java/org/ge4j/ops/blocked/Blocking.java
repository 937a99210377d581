package org.ge4j.ops.blocked;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Dim;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;
import org.ge4j.ir.Shape;
import org.ge4j.ir.Tensor;
import org.ge4j.ir.TensorDesc;
import org.ge4j.ops.GraphInference;
import org.ge4j.ops.OpException;
import org.ge4j.ops.OpRegistry;

/** Conversions between plain NCHW tensors and blocked ones, and the shapes of both (see the package doc). */
public final class Blocking {
    private Blocking() {}

    /** The attributes only the blocked ops have; everything else is the plain op's. */
    static final List<String> OWN_ATTRS = List.of("block", "input_blocked", "channels");

    /**
     * The block this machine's vector kernels use: the float vector length (16 with AVX-512), or -1 when the
     * Vector API (jdk.incubator.vector) is not available. Callers that do not use the Vector API themselves
     * read it here.
     */
    public static int nativeBlock() { return Native.BLOCK; }

    private static final class Native {
        static final int BLOCK = read();

        private static int read() {
            try {
                return org.ge4j.ops.vector.VectorOps.floatLanes();
            } catch (LinkageError e) {
                return -1;
            }
        }
    }

    /** Number of blocks holding {@code channels} channels. */
    public static long blocks(long channels, long block) { return (channels + block - 1) / block; }

    /** The blocked shape {@code [N, ceil(C/b), spatial..., b]} of a plain shape {@code [N, C, spatial...]}. */
    public static long[] blockedShape(long[] plain, int block) {
        long[] s = new long[plain.length + 1];
        s[0] = plain[0];
        s[1] = blocks(plain[1], block);
        System.arraycopy(plain, 2, s, 2, plain.length - 2);
        s[plain.length] = block;
        return s;
    }

    /** The blocked shape of a (possibly partly symbolic) plain shape. */
    public static Shape blockedShape(Shape plain, int block) {
        if (!plain.hasRank()) return Shape.UNKNOWN_RANK;
        List<Dim> d = new ArrayList<>(plain.dims());
        Dim c = d.get(1);
        d.set(1, c.isStatic() ? Dim.of(blocks(c.valueOr(-1), block)) : Dim.UNKNOWN);
        d.add(Dim.of(block));
        return Shape.of(d);
    }

    /** The plain shape with {@code channels} channels of a blocked shape. */
    public static Shape plainShape(Shape blocked, long channels) {
        if (!blocked.hasRank()) return Shape.UNKNOWN_RANK;
        List<Dim> d = new ArrayList<>(blocked.dims());
        d.remove(d.size() - 1);
        d.set(1, channels >= 0 ? Dim.of(channels) : Dim.UNKNOWN);
        return Shape.of(d);
    }

    /** Blocks a float plain tensor {@code [N, C, spatial...]}; the padding lanes are zero. */
    public static Tensor block(Tensor plain, int block) {
        long[] ps = plain.shape(), bs = blockedShape(ps, block);
        Tensor out = Tensor.allocate(plain.dtype(), bs);
        long n = ps[0], c = ps[1], plane = Shape.elementCount(ps) / Math.max(1, n * c);
        long cb = bs[1];
        for (long i = 0; i < n; i++)
            for (long ch = 0; ch < c; ch++)
                for (long p = 0; p < plane; p++)
                    out.setScalarDouble(((i * cb + ch / block) * plane + p) * block + ch % block, plain.getScalarDouble((i * c + ch) * plane + p));
        return out;
    }

    /** The plain tensor {@code [N, channels, spatial...]} of a blocked one (padding lanes dropped). */
    public static Tensor unblock(Tensor blocked, long channels) {
        long[] bs = blocked.shape();
        int block = (int) bs[bs.length - 1];
        long[] ps = new long[bs.length - 1];
        System.arraycopy(bs, 0, ps, 0, ps.length);
        ps[1] = channels;
        Tensor out = Tensor.allocate(blocked.dtype(), ps);
        long n = ps[0], cb = bs[1], plane = Shape.elementCount(ps) / Math.max(1, n * channels);
        for (long i = 0; i < n; i++)
            for (long ch = 0; ch < channels; ch++)
                for (long p = 0; p < plane; p++)
                    out.setScalarDouble((i * channels + ch) * plane + p, blocked.getScalarDouble(((i * cb + ch / block) * plane + p) * block + ch % block));
        return out;
    }

    /** The node's attributes without the blocked ops' own ones: the plain op's attributes. */
    static Map<String, Attr> plainAttrs(Node n) {
        Map<String, Attr> a = new LinkedHashMap<>(n.attrs());
        OWN_ATTRS.forEach(a::remove);
        return a;
    }

    /**
     * Infers the output of the plain op {@code domain::type} (at {@code opset}) for plain inputs, on a scratch
     * graph; a failure is reported as {@code node}'s, prefixed with what the node computes.
     */
    static TensorDesc inferPlain(Node node, String domain, String type, int opset, Map<String, Attr> attrs, List<TensorDesc> inputs) {
        Graph g = new Graph(node.name() + "_plain");
        g.setOpset(domain, opset);
        if (!domain.isEmpty()) g.setOpset("", 17);
        List<OutDataAnchor> ins = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) ins.add(inputs.get(i) == null ? null : g.addInput("in" + i, inputs.get(i)));
        Node n = g.addNode(domain, type, node.name(), 0);
        for (OutDataAnchor a : ins) n.addInput(a);
        attrs.forEach(n::setAttr);
        g.addOutput(n.addOutput("y", null));
        try {
            new GraphInference(OpRegistry.global(), true).inferNode(n);
        } catch (OpException e) {
            throw new OpException(node, "as " + type + " on the plain layout: " + e.getMessage());
        }
        return n.output(0).desc();
    }
}
