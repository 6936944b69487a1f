package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The browser e2e of issue 4 with a real TURN relay: three network namespaces (recipe
 * shared/recipes/browser-e2e.md) — a server namespace with forwarding off that runs the signaling
 * server and the TURN relay, and two client namespaces that can reach only the server address.
 * Two headless Chromium, one per client namespace, load the call page: with
 * {@code iceTransportPolicy: 'relay'} the call connects through TURN over UDP and over TCP; without
 * TURN it cannot connect; with a wrong secret TURN answers 401. The relay here is coturn (the
 * independent implementation); the server module's e2e runs the same scenarios against Parley's own.
 */
class NetnsCallIT {

    private static final String SECRET = "netns-turn-secret";
    private static String t;
    private static String a;
    private static String b;
    private static String net;
    private static Path shims;

    private static void ip(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " failed: " + out);
        }
    }

    @BeforeAll
    static void namespaces() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("NetnsCallIT needs root for network namespaces (ip netns)");
        }
        NodeProject.which("ip");
        String id = "ps" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30, 1L << 35), 36);
        t = id + "-t";
        a = id + "-a";
        b = id + "-b";
        net = "10." + (100 + ThreadLocalRandom.current().nextInt(100)) + ".";
        for (String n : List.of(t, a, b)) {
            ip("netns", "add", n);
            ip("-n", n, "link", "set", "lo", "up");
        }
        ip("link", "add", id + "ta", "type", "veth", "peer", "name", id + "a0");
        ip("link", "add", id + "tb", "type", "veth", "peer", "name", id + "b0");
        ip("link", "set", id + "ta", "netns", t);
        ip("link", "set", id + "tb", "netns", t);
        ip("link", "set", id + "a0", "netns", a);
        ip("link", "set", id + "b0", "netns", b);
        ip("-n", t, "addr", "add", net + "1.1/24", "dev", id + "ta");
        ip("-n", t, "link", "set", id + "ta", "up");
        ip("-n", t, "addr", "add", net + "2.1/24", "dev", id + "tb");
        ip("-n", t, "link", "set", id + "tb", "up");
        ip("-n", t, "addr", "add", net + "0.1/32", "dev", "lo");
        ip("netns", "exec", t, "sysctl", "-qw", "net.ipv4.ip_forward=0");
        ip("-n", a, "addr", "add", net + "1.2/24", "dev", id + "a0");
        ip("-n", a, "link", "set", id + "a0", "up");
        ip("-n", b, "addr", "add", net + "2.2/24", "dev", id + "b0");
        ip("-n", b, "link", "set", id + "b0", "up");
        ip("-n", a, "route", "add", net + "0.1/32", "via", net + "1.1");
        ip("-n", b, "route", "add", net + "0.1/32", "via", net + "2.1");
        shims = Files.createTempDirectory("parley-netns");
        for (String n : List.of(a, b)) {
            Path shim = shims.resolve(n + ".sh");
            Files.writeString(shim, "#!/bin/sh\nexec ip netns exec " + n + " /usr/bin/chromium \"$@\"\n");
            Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        for (String n : new String[]{t, a, b}) {
            if (n != null) {
                new ProcessBuilder("ip", "netns", "del", n).start().waitFor(20, TimeUnit.SECONDS);
            }
        }
        if (shims != null) {
            try (var files = Files.list(shims)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(shims);
        }
    }

    /** The signaling server as a process inside the server namespace. */
    private static final class NsServer implements AutoCloseable {
        final Process process;
        final int port;

        NsServer(String secret, String turnUrls) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder("ip", "netns", "exec", t, java, "-cp", System.getProperty("java.class.path"),
                    NetnsServerMain.class.getName(), net + "0.1", secret, turnUrls)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            int p = -1;
            for (String l; (l = r.readLine()) != null; ) {
                if (l.startsWith("PORT ")) {
                    p = Integer.parseInt(l.substring(5).trim());
                    break;
                }
            }
            if (p < 0) {
                fail("signaling server did not start in the namespace");
            }
            port = p;
        }

        @Override
        public void close() throws Exception {
            process.getOutputStream().close();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private NodeProject.Result call(NsServer server, String query, String expect) throws Exception {
        return NodeProject.node(150, Map.of("CHROMIUM_A", shims.resolve(a + ".sh").toString(),
                        "CHROMIUM_B", shims.resolve(b + ".sh").toString()),
                "call-chromium.mjs", "http://" + net + "0.1:" + server.port, query, expect);
    }

    private String turn(String transport) {
        return "turn:" + net + "0.1:3478?transport=" + transport;
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void relayOnlyCallsConnectThroughTurnOverUdpAndTcp() throws Exception {
        try (Coturn coturn = new Coturn(SECRET, List.of("ip", "netns", "exec", t), net + "0.1")) {
            try (NsServer server = new NsServer(SECRET, turn("udp"))) {
                NodeProject.Result r = call(server, "&relay=1", "relay");
                assertEquals(0, r.exit(), r.output());
                assertTrue(r.output().contains("\"relayProtocol\":\"udp\""), r.output());
                System.out.println("UDP: " + r.output().trim());
            }
            try (NsServer server = new NsServer(SECRET, turn("tcp"))) {
                NodeProject.Result r = call(server, "&relay=1", "relay");
                assertEquals(0, r.exit(), r.output());
                assertTrue(r.output().contains("\"relayProtocol\":\"tcp\""), r.output());
                System.out.println("TCP: " + r.output().trim());
            }
            try (NsServer server = new NsServer("wrong-secret", turn("udp"))) {
                NodeProject.Result r = call(server, "&relay=1", "refused");
                assertEquals(0, r.exit(), r.output());
                System.out.println("wrong secret: " + r.output().trim());
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void withoutTurnTheNamespacesCannotConnect() throws Exception {
        try (NsServer server = new NsServer(SECRET, "")) {
            NodeProject.Result r = call(server, "", "isolated");
            assertEquals(0, r.exit(), r.output());
            System.out.println("no TURN: " + r.output().trim());
        }
    }
}
