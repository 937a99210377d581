package org.ge4j.compiler.pass;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.ge4j.compiler.CompilerOptions.DumpFormat;
import org.ge4j.ir.Graph;

/**
 * An instrument writing the graph into a directory: {@code 000-input.*} before the first pass, then for
 * every pass run that changed the graph {@code NNN-<pass>.before.*} and {@code NNN-<pass>.after.*}, in the
 * text form and/or Graphviz DOT; {@code passes.txt} lists every run with its result and time.
 */
public final class GraphDumper implements PassInstrument {
    private final Path dir;
    private final Set<DumpFormat> formats;
    private final Function<Graph, String> text;
    private String textBefore;
    private String dotBefore;

    /** @param text renders the text form (the IR's printer) */
    public GraphDumper(Path dir, Set<DumpFormat> formats, Function<Graph, String> text) {
        this.dir = dir;
        this.formats = formats;
        this.text = text;
    }

    @Override public void beforePipeline(Graph graph, List<String> pipeline) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("passes.txt"), "# pipeline: " + String.join(" ", pipeline) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write graph dumps to " + dir + ": " + e.getMessage(), e);
        }
        write("000-input", render(graph, DumpFormat.TEXT), render(graph, DumpFormat.DOT));
    }

    @Override public void beforePass(PassRun run, Graph graph) {
        textBefore = render(graph, DumpFormat.TEXT);
        dotBefore = render(graph, DumpFormat.DOT);
    }

    @Override public void afterPass(PassRun run, Graph graph, boolean changed, long nanos) {
        append(String.format("%s%s changed=%s time=%.3fms nodes=%d%n", run.label(),
                run.group() == null ? "" : " [" + run.group() + " #" + run.iteration() + "]", changed, nanos / 1e6, graph.nodeCount()));
        if (changed) {
            write(run.label() + ".before", textBefore, dotBefore);
            write(run.label() + ".after", render(graph, DumpFormat.TEXT), render(graph, DumpFormat.DOT));
        }
        textBefore = dotBefore = null;
    }

    private String render(Graph g, DumpFormat f) {
        if (!formats.contains(f)) return null;
        return f == DumpFormat.TEXT ? text.apply(g) : GraphDot.render(g);
    }

    private void write(String stem, String txt, String dot) {
        try {
            if (txt != null) Files.writeString(dir.resolve(stem + ".txt"), txt);
            if (dot != null) Files.writeString(dir.resolve(stem + ".dot"), dot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write graph dump " + stem + " to " + dir + ": " + e.getMessage(), e);
        }
    }

    private void append(String line) {
        try {
            Files.writeString(dir.resolve("passes.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("passes.txt") + ": " + e.getMessage(), e);
        }
    }
}
