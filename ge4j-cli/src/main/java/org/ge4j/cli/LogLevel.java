package org.ge4j.cli;

import java.util.Locale;

/** atc's {@code --log} levels: what the CLI reports on stderr besides errors. */
enum LogLevel {
    DEBUG, INFO, WARNING, ERROR;

    static LogLevel parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "debug" -> DEBUG;
            case "info" -> INFO;
            case "warning", "warn" -> WARNING;
            case "error", "null" -> ERROR;
            default -> throw new IllegalArgumentException("--log must be debug, info, warning or error, got '" + s + "'");
        };
    }

    boolean shows(LogLevel l) { return l.ordinal() >= ordinal(); }
}
