package dev.parley.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.server.support.ProcessLines;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The packaged jar as an operator runs it: exit codes, one-line errors, startup and SIGTERM. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LauncherIT {

    private static final Path JAR = Path.of("target", "parley.jar");

    private static Process launch(String... args) throws IOException {
        assertTrue(Files.isRegularFile(JAR), "the shaded jar should exist after package: " + JAR.toAbsolutePath());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static String output(Process p) throws Exception {
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "process should exit");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void bogusFlagExitsTwoWithOneLine() throws Exception {
        Process p = launch("--bogus");
        String out = output(p);
        assertEquals(2, p.exitValue());
        assertEquals(1, out.strip().lines().count(), out);
        assertTrue(out.startsWith("parley: "), out);
    }

    @Test
    void portInUseExitsTwoNamingTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Process p = launch("serve", "--bind", "127.0.0.1", "--http-port", String.valueOf(taken.getLocalPort()),
                    "--turn-port", "0", "--turns-port", "0", "--relay-ip", "127.0.0.1", "--log-level", "error");
            String out = output(p);
            assertEquals(2, p.exitValue(), out);
            assertTrue(out.contains("parley: --http-port: cannot listen: address already in use"), out);
            assertTrue(!out.contains("\tat "), "no stack trace: " + out);
        }
    }

    @Test
    void servesThenDrainsOnSigterm() throws Exception {
        Process p = launch("serve", "--bind", "127.0.0.1", "--http-port", "0", "--turn-port", "0", "--turns-port", "0",
                "--relay-ip", "127.0.0.1", "--drain-timeout", "2s");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = ProcessLines.start(p, lines, "launcher-output");
        String url = null;
        StringBuilder seen = new StringBuilder();
        while (url == null) {
            String l = lines.poll(45, TimeUnit.SECONDS);
            assertTrue(l != null, "no 'ready' line; output so far:\n" + seen);
            seen.append(l).append('\n');
            int i = l.indexOf("http://");
            if (l.contains("ready in") && i >= 0) {
                url = l.substring(i).trim();
            }
        }
        assertTrue(seen.toString().contains("DEV MODE"), "dev mode is announced loudly");
        HttpResponse<String> h = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, h.statusCode());
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exits after SIGTERM within the drain budget");
        assertEquals(0, p.exitValue());
        reader.join(5000);
    }

    @Test
    void turnModeRunsTheRelayAloneAndStopsOnSigterm() throws Exception {
        int port;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process p = launch("turn", "--bind", "127.0.0.1", "--turn-port", String.valueOf(port), "--turns-port", "-1",
                "--relay-ip", "127.0.0.1", "--turn-secret", "s3cret");
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = ProcessLines.start(p, lines, "launcher-output");
        StringBuilder seen = new StringBuilder();
        for (String l = ""; !l.contains("TURN node"); ) {
            l = lines.poll(45, TimeUnit.SECONDS);
            assertTrue(l != null, "no ready line; output:\n" + seen);
            seen.append(l).append('\n');
        }
        assertTrue(!seen.toString().contains("DEV MODE"), "turn mode has no signaling to warn about");
        Process stun = new ProcessBuilder("turnutils_stunclient", "-p", String.valueOf(port), "127.0.0.1")
                .redirectErrorStream(true).start();
        assertTrue(stun.waitFor(20, TimeUnit.SECONDS));
        String out = new String(stun.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(out.contains("UDP reflexive addr: 127.0.0.1:"), out);
        p.destroy();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        reader.join(5000);
    }
}
