package dev.parley.server.config;

/** What the process runs: everything, or the TURN relay alone (for public relay hosts). */
public enum Mode {
    SERVE, TURN;

    static Mode parse(String command) {
        return switch (command) {
            case "serve" -> SERVE;
            case "turn" -> TURN;
            default -> throw new ConfigException(null, "unknown command '" + command + "' (expected serve or turn; see --help)");
        };
    }
}
