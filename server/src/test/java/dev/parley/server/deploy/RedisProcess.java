package dev.parley.server.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A throwaway redis-server on a free loopback port, no persistence; stopped (only this PID) on close. */
final class RedisProcess implements AutoCloseable {

    final int port;
    private final Process process;

    RedisProcess(Path dir) throws Exception {
        Path redis = DeployFiles.tool("redis-server", "redis-server");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        process = new ProcessBuilder(redis.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString()).redirectErrorStream(true).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // exited
            }
            lines.add("<exit>");
        }, "redis-log");
        reader.setDaemon(true);
        reader.start();
        StringBuilder seen = new StringBuilder();
        while (true) {
            String l = lines.poll(20, TimeUnit.SECONDS);
            assertTrue(l != null && !l.equals("<exit>"), "redis-server did not start:\n" + seen);
            seen.append(l).append('\n');
            if (l.contains("Ready to accept connections")) {
                return;
            }
        }
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
