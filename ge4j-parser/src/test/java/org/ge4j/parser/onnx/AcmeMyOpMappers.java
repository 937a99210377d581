package org.ge4j.parser.onnx;

import java.util.List;
import org.ge4j.ir.Attr;
import org.ge4j.ir.Graph;
import org.ge4j.ir.Node;
import org.ge4j.ir.OutDataAnchor;

/** Test parser plugins for the ONNX op {@code com.acme::MyOp}, whose meaning changed at opset 4. */
final class AcmeMyOpMappers {
    private AcmeMyOpMappers() {}

    static void importDomain(Graph g) {
        if (g.opset(AcmeTestOps.DOMAIN) < 0) g.setOpset(AcmeTestOps.DOMAIN, 1);
    }

    static float floatAttr(OnnxMapping m, String name, float dflt) {
        Attr a = m.attr(name);
        if (a == null) return dflt;
        if (a instanceof Attr.Float f) return f.value();
        throw m.fail("attribute '" + name + "' must be a float");
    }

    /** MyOp-1: Y = alpha * X + X, one ScaleAdd. */
    public static final class V1 implements OnnxOpMapper {
        @Override public String domain() { return "com.acme"; }
        @Override public String opType() { return "MyOp"; }
        @Override public int untilVersion() { return 3; }

        @Override public List<OutDataAnchor> map(OnnxMapping m) {
            importDomain(m.graph());
            Node n = m.addNode(AcmeTestOps.DOMAIN, "ScaleAdd", m.name());
            n.addInput(m.input(0));
            n.setAttr("factor", Attr.of(floatAttr(m, "alpha", 1f) + 1f));
            return List.of(n.addOutput(m.outputName(0), null));
        }
    }

    /** MyOp-4: Y = alpha * X + beta, as two ScaleAdds. */
    public static final class V4 implements OnnxOpMapper {
        @Override public String domain() { return "com.acme"; }
        @Override public String opType() { return "MyOp"; }
        @Override public int sinceVersion() { return 4; }

        @Override public List<OutDataAnchor> map(OnnxMapping m) {
            importDomain(m.graph());
            Node scale = m.addNode(AcmeTestOps.DOMAIN, "ScaleAdd", m.name() + "/scale");
            scale.addInput(m.input(0));
            scale.setAttr("factor", Attr.of(floatAttr(m, "alpha", 1f)));
            Node shift = m.addNode(AcmeTestOps.DOMAIN, "ScaleAdd", m.name() + "/shift");
            shift.addInput(scale.addOutput(null, null));
            shift.setAttr("bias", Attr.of(floatAttr(m, "beta", 0f)));
            return List.of(shift.addOutput(m.outputName(0), null));
        }
    }
}
