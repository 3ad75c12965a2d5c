package io.bridgewall.cli.config;

import io.bridgewall.policy.InvalidInputException;

/**
 * A config file bridgewall refuses, in one line a compiler would print: the file, the line, the
 * field (as a path such as {@code host-input.tcp[1]}) and what to write instead. Input: the CLI
 * exits with status 2 and leaves the kernel alone.
 */
public final class ConfigException extends InvalidInputException {
    private final int line;
    private final String field;

    ConfigException(String file, int line, String field, String problem) {
        super(file + ":" + line + ": " + (field.isEmpty() ? "" : field + ": ") + problem);
        this.line = line;
        this.field = field;
    }

    /** 1-based line of the offending value (1 for whole-file problems). */
    public int line() {
        return line;
    }

    /** Path of the offending field, e.g. {@code isolation.networks.web}; empty when no field is at fault. */
    public String field() {
        return field;
    }
}
