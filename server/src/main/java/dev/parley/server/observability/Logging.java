package dev.parley.server.observability;

import java.util.Locale;
import java.util.logging.Level;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * One log stream: SLF4J with Jetty's simple backend on stderr; java.util.logging (ice4j, jitsi-utils)
 * is bridged into it, and Netty (under Lettuce) finds SLF4J by itself. Must run before the first
 * logger is created, because Jetty's backend reads its levels from system properties once.
 */
public final class Logging {

    private Logging() {
    }

    public static void configure(String level) {
        String jetty = level.toUpperCase(Locale.ROOT);
        System.setProperty("ROOT.LEVEL", jetty);
        // Chatty libraries stay at INFO unless debugging is asked for everything.
        String libs = level.equals("debug") || level.equals("trace") ? jetty : "WARN";
        for (String lib : new String[] {"org.eclipse.jetty", "io.netty", "io.lettuce", "org.ice4j", "org.jitsi",
                "reactor"}) {
            System.setProperty(lib + ".LEVEL", level.equals("error") ? "ERROR" : libs);
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        java.util.logging.Logger.getLogger("").setLevel(toJul(level));
        // jitsi-utils announces its configuration sources at INFO through JUL on first use.
        if (!level.equals("debug") && !level.equals("trace")) {
            java.util.logging.Logger.getLogger("JitsiConfig").setLevel(Level.WARNING);
            System.setProperty("JitsiConfig.LEVEL", "WARN");
        }
    }

    private static Level toJul(String level) {
        return switch (level) {
            case "error" -> Level.SEVERE;
            case "warn" -> Level.WARNING;
            case "info" -> Level.INFO;
            case "debug" -> Level.FINE;
            case "trace" -> Level.FINEST;
            default -> throw new IllegalArgumentException("unknown level " + level);
        };
    }
}
