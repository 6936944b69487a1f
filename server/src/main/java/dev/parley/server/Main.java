package dev.parley.server;

import dev.parley.server.config.ConfigException;
import dev.parley.server.config.Flag;
import dev.parley.server.config.Flags;
import dev.parley.server.config.ParleyConfig;
import dev.parley.server.observability.Logging;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code parley serve|turn [flags]}: parses configuration, starts a {@link ParleyNode}, and stops it
 * on SIGTERM/SIGINT — the first signal drains gracefully (bounded by {@code --drain-timeout}), a
 * second one stops at once. Bad configuration prints one line and exits with status 2.
 */
public final class Main {

    public static final int EXIT_CONFIG = 2;

    private Main() {
    }

    public static void main(String[] args) {
        // ice4j probes the AWS metadata address when it builds mappings unless told not to.
        System.setProperty("ice4j.harvest.mapping.aws.enabled", "false");
        System.setProperty("ice4j.harvest.mapping.stun.enabled", "false");
        int code = run(Arrays.asList(args), System.getenv(), System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(List<String> args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.contains("--help") || args.contains("-h") || args.get(0).equals("help")) {
            out.print(help());
            return args.isEmpty() ? EXIT_CONFIG : 0;
        }
        if (args.get(0).equals("--version") || args.get(0).equals("version")) {
            out.println("parley " + version());
            return 0;
        }
        if (args.get(0).equals("token")) {
            try {
                return TokenCommand.run(args.subList(1, args.size()), env, out);
            } catch (ConfigException e) {
                err.println("parley: " + e.getMessage());
                return EXIT_CONFIG;
            }
        }
        ParleyConfig config;
        try {
            config = ParleyConfig.parse(args, env);
        } catch (ConfigException e) {
            err.println("parley: " + e.getMessage());
            return EXIT_CONFIG;
        }
        Logging.configure(config.logLevel());
        ParleyNode node;
        try {
            node = new ParleyNode(config);
        } catch (ConfigException e) {
            err.println("parley: " + e.getMessage());
            return EXIT_CONFIG;
        }
        try {
            node.start();
        } catch (ConfigException e) {
            err.println("parley: " + e.getMessage());
            return EXIT_CONFIG;
        } catch (Exception e) {
            err.println("parley: failed to start: " + e);
            node.halt();
            return 1;
        }
        awaitSignals(node);
        return 0;
    }

    /** Blocks until a signal has stopped the node. */
    private static void awaitSignals(ParleyNode node) {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicInteger signals = new AtomicInteger();
        Runnable onSignal = () -> {
            if (signals.incrementAndGet() == 1) {
                Thread t = new Thread(() -> {
                    node.shutdown();
                    stopped.countDown();
                }, "parley-shutdown");
                t.start();
            } else {
                node.halt();
                stopped.countDown();
            }
        };
        Signals.onTermination(onSignal);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.halt();
        }
    }

    static String help() {
        StringBuilder b = new StringBuilder();
        b.append("Parley ").append(version()).append(" - WebRTC signaling, STUN/TURN relay, presence and sync relay\n\n")
                .append("Usage: parley serve [flags]   everything: HTTP/WebSocket/SSE, STUN/TURN, presence\n")
                .append("       parley turn [flags]    the STUN/TURN relay only (public relay hosts)\n")
                .append("       parley token --user ID [--room R]... [--ttl 1h] [--admin] [--read-only]\n")
                .append("                              print a signed token for --auth-secret / PARLEY_AUTH_SECRET\n")
                .append("       parley --help | --version\n\n")
                .append("Every flag can also be set as an environment variable or in --config FILE\n")
                .append("(precedence: flag > environment > file > default).\n\n");
        for (Flag f : Flags.ALL) {
            String left = "--" + f.name() + (f.isSwitch() ? "" : " " + f.arg());
            b.append(String.format("  %-28s %s%n", left, f.help()));
            String extra = f.envVar() + (f.defaultValue() != null ? ", default " + f.defaultValue() : "")
                    + (f.repeatable() ? ", repeatable" : "");
            b.append(String.format("  %-28s (%s)%n", "", extra));
        }
        return b.toString();
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
