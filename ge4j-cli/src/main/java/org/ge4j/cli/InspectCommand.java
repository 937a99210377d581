package org.ge4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ge4j.cli.io.Json;
import org.ge4j.ir.Ge4jException;
import org.ge4j.runtime.om.OmFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ge4j inspect}: what is inside a .om. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show what a .om holds: I/O signature, op counts, fusions, memory plan (naive / lower bound / planned), streams, gears.",
                "The file is checked (checksums) as when loading it."})
public final class InspectCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.om", description = "The compiled model.")
    Path model;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML page with the graph and a memory-timeline plot.")
    Path html;

    @Override public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (Arena arena = Arena.ofShared()) {
            OmFile om = OmFile.read(model, arena, true);
            Map<String, Object> r = Inspect.report(om, Files.size(model));
            out.print(json ? Json.write(r) : Inspect.text(r));
            if (html != null) {
                try {
                    Files.writeString(html, HtmlReport.page(om, r));
                } catch (IOException e) {
                    throw new Ge4jException(html + ": cannot write it: " + e.getMessage());
                }
                if (!json) out.println("wrote " + html);
            }
        }
        out.flush();
        return 0;
    }
}
