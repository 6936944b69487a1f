package dev.parley.server.config;

import java.util.Locale;

/**
 * One configuration setting: a {@code --name} flag, its {@code PARLEY_NAME} environment variable and
 * its key in the config file.
 *
 * @param name       flag name without dashes, e.g. {@code http-port}
 * @param arg        what the value looks like in help, e.g. {@code PORT}; null for a boolean switch
 * @param defaultValue shown in help and used when no source sets it; null = unset
 * @param repeatable may be given several times (or comma-separated in the environment and file)
 * @param help       one line for {@code --help}
 */
public record Flag(String name, String arg, String defaultValue, boolean repeatable, String help) {

    public boolean isSwitch() {
        return arg == null;
    }

    /** {@code PARLEY_HTTP_PORT} for {@code http-port}. */
    public String envVar() {
        return "PARLEY_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
