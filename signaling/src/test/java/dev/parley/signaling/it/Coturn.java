package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * coturn (an independent TURN server) on 127.0.0.1 with TURN REST API auth
 * ({@code --use-auth-secret}), started and stopped by the test; loopback peers allowed because
 * both browsers' relayed addresses are on this host.
 */
final class Coturn implements AutoCloseable {

    final int port;
    private final Process process;
    private final Path dir;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Coturn(String secret) throws Exception {
        this(secret, List.of(), "127.0.0.1");
    }

    /** @param prefix command prefix, e.g. {@code ip netns exec NS}, to run it in a network namespace */
    Coturn(String secret, List<String> prefix, String ip) throws Exception {
        String turnserver = NodeProject.which("turnserver");
        port = prefix.isEmpty() ? freePort() : 3478;
        dir = Files.createTempDirectory("parley-coturn");
        int minPort = 40000 + ThreadLocalRandom.current().nextInt(200) * 100;
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(turnserver, "-n", "--listening-ip=" + ip, "--relay-ip=" + ip,
                "--listening-port=" + port, "--min-port=" + minPort, "--max-port=" + (minPort + 99), "--realm=parley",
                "--use-auth-secret", "--static-auth-secret=" + secret, "--fingerprint", "--allow-loopback-peers",
                "--no-tls", "--no-dtls", "--no-cli", "--userdb=" + dir.resolve("turn.db"),
                "--pidfile=" + dir.resolve("turn.pid"), "--log-file=stdout", "--simple-log"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // process gone
            }
        }, "coturn-log");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            String l = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (l == null) {
                close();
                fail("coturn did not start within 20 s");
            }
            if (l.contains("Total General servers")) {
                return;
            }
        }
    }

    private static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0)) {
                int p = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(p)) {
                    return p;
                } catch (IOException busy) {
                    // try another
                }
            }
        }
        throw new IOException("no free TCP+UDP port");
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(dir);
    }
}
