package org.ge4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What the numbers were measured on: CPU model, processors, load average, JDK. */
public record MachineInfo(String cpu, int processors, String loadAverage, String jdk) {
    /** The machine now. */
    public static MachineInfo capture() {
        return new MachineInfo(cpuModel(), Runtime.getRuntime().availableProcessors(), currentLoadAverage(),
                Runtime.version() + " (" + System.getProperty("java.vm.name", "?") + ")");
    }

    /** The first three fields of {@code /proc/loadavg} (1, 5, 15 minutes), or "?" off Linux. */
    public static String currentLoadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /** The CPU model name from {@code /proc/cpuinfo}, or the {@code os.arch} property. */
    public static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).trim();
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return System.getProperty("os.arch", "?");
    }

    /**
     * A field of {@code /proc/self/status} in kB ({@code VmHWM}: peak resident set; {@code VmRSS}: now),
     * or -1 when unavailable.
     */
    public static long procStatusKb(String field) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String l : lines) {
                if (l.startsWith(field + ":")) return Long.parseLong(l.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return -1;
    }

    @Override public String toString() {
        return cpu + ", " + processors + " processors, load average " + loadAverage + ", JDK " + jdk;
    }
}
