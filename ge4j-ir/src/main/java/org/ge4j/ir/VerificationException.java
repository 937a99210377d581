package org.ge4j.ir;

import java.util.List;

/** A graph broke IR invariants; {@link #problems()} lists every one found, each naming graph, node and port. */
public final class VerificationException extends Ge4jException {
    private final transient List<String> problems;

    public VerificationException(String graphName, List<String> problems) {
        super(message(graphName, problems));
        this.problems = List.copyOf(problems);
    }

    /** One message per broken invariant. */
    public List<String> problems() { return problems; }

    private static String message(String graphName, List<String> problems) {
        StringBuilder sb = new StringBuilder("graph '").append(graphName).append("' failed verification (")
                .append(problems.size()).append(problems.size() == 1 ? " problem)" : " problems)");
        for (String p : problems) sb.append("\n  - ").append(p);
        return sb.toString();
    }
}
