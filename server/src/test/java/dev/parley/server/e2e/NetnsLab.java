package dev.parley.server.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Three network namespaces in which a browser call can connect only through the relay
 * (shared/recipes/browser-e2e.md): a server namespace holding {@link #SERVER_IP} on its loopback
 * with IP forwarding off, and two client namespaces, each with one veth to the server namespace
 * and a route to {@link #SERVER_IP} only. The clients cannot reach each other.
 *
 * <pre>
 *   client A 10.200.1.2 ── veth ── 10.200.1.1 ┐
 *                                             ├─ server namespace, lo 10.200.0.1, ip_forward=0
 *   client B 10.200.2.2 ── veth ── 10.200.2.1 ┘
 * </pre>
 *
 * Names carry a per-run tag so parallel runs do not collide; {@link #close()} deletes the
 * namespaces (their veths go with them) and also runs from a JVM shutdown hook.
 */
final class NetnsLab implements AutoCloseable {

    static final String SERVER_IP = "10.200.0.1";
    static final String CLIENT_A_SUBNET = "10.200.1.0/24";
    static final String CLIENT_B_SUBNET = "10.200.2.0/24";

    final String server;
    final String clientA;
    final String clientB;
    private final String tag;
    private final List<String> created = new ArrayList<>();
    private final Thread hook = new Thread(this::deleteQuietly, "netns-cleanup");

    private NetnsLab(String tag) {
        this.tag = tag;
        this.server = "pcall" + tag + "-t";
        this.clientA = "pcall" + tag + "-a";
        this.clientB = "pcall" + tag + "-b";
    }

    /** Creates the three namespaces; on any failure deletes what was made and throws. */
    static NetnsLab create() throws IOException, InterruptedException {
        // Interface names are at most 15 characters: "pc" + up to 7 PID digits + 2 letters + a digit.
        String tag = Long.toString(ProcessHandle.current().pid() % 10_000_000);
        removeStale();
        NetnsLab lab = new NetnsLab(tag);
        Runtime.getRuntime().addShutdownHook(lab.hook);
        try {
            lab.build();
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private void build() throws IOException, InterruptedException {
        for (String ns : List.of(server, clientA, clientB)) {
            ip("netns", "add", ns);
            created.add(ns);
            ip("-n", ns, "link", "set", "lo", "up");
        }
        String ta = "pc" + tag + "ta";
        String tb = "pc" + tag + "tb";
        String a0 = "pc" + tag + "a0";
        String b0 = "pc" + tag + "b0";
        ip("link", "add", ta, "type", "veth", "peer", "name", a0);
        ip("link", "set", ta, "netns", server);
        ip("link", "set", a0, "netns", clientA);
        ip("link", "add", tb, "type", "veth", "peer", "name", b0);
        ip("link", "set", tb, "netns", server);
        ip("link", "set", b0, "netns", clientB);

        ip("-n", server, "addr", "add", "10.200.1.1/24", "dev", ta);
        ip("-n", server, "link", "set", ta, "up");
        ip("-n", server, "addr", "add", "10.200.2.1/24", "dev", tb);
        ip("-n", server, "link", "set", tb, "up");
        ip("-n", server, "addr", "add", SERVER_IP + "/32", "dev", "lo");
        run(List.of("ip", "netns", "exec", server, "sysctl", "-qw", "net.ipv4.ip_forward=0"));

        ip("-n", clientA, "addr", "add", "10.200.1.2/24", "dev", a0);
        ip("-n", clientA, "link", "set", a0, "up");
        ip("-n", clientA, "route", "add", SERVER_IP + "/32", "via", "10.200.1.1");
        ip("-n", clientB, "addr", "add", "10.200.2.2/24", "dev", b0);
        ip("-n", clientB, "link", "set", b0, "up");
        ip("-n", clientB, "route", "add", SERVER_IP + "/32", "via", "10.200.2.1");
    }

    /**
     * Deletes namespaces left by an earlier run that was killed before it could clean up (no shutdown
     * hook runs on SIGKILL): ours are named pcall&lt;pid&gt;-t/a/b, stale when that process is gone.
     */
    private static void removeStale() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        Matcher m = Pattern.compile("(?m)^(pcall(\\d+)-[tab])\\b").matcher(out);
        while (m.find()) {
            long pid = Long.parseLong(m.group(2));
            if (ProcessHandle.of(pid).isEmpty()) {
                try {
                    run(List.of("ip", "netns", "del", m.group(1)));
                } catch (IOException e) {
                    System.err.println("could not delete stale network namespace " + m.group(1) + ": " + e.getMessage());
                }
            }
        }
    }

    /** The command prefix that runs a program inside {@code namespace}. */
    static List<String> exec(String namespace) {
        return List.of("ip", "netns", "exec", namespace);
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", cmd));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
    }

    private void deleteQuietly() {
        for (int i = created.size() - 1; i >= 0; i--) {
            try {
                run(List.of("ip", "netns", "del", created.get(i)));
            } catch (IOException | InterruptedException e) {
                System.err.println("could not delete network namespace " + created.get(i) + ": " + e.getMessage());
            }
        }
        created.clear();
    }

    @Override
    public void close() {
        deleteQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is what is running us
        }
    }
}
