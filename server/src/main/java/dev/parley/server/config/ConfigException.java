package dev.parley.server.config;

/**
 * Bad configuration, named by the flag it concerns. The launcher prints {@link #getMessage()} as one
 * line and exits with status 2; no stack trace.
 */
public final class ConfigException extends RuntimeException {

    private final String flag;

    public ConfigException(String flag, String problem) {
        super((flag == null ? "" : "--" + flag + ": ") + problem, null, false, false);
        this.flag = flag;
    }

    /** The flag's name without dashes, or null when the problem is not about one flag. */
    public String flag() {
        return flag;
    }
}
