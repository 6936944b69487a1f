package dev.parley.server.cluster;

import dev.parley.server.support.ProcessLines;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A node as its own process ({@code target/parley.jar}), so a test can {@code kill -9} it. */
final class JarNode implements AutoCloseable {

    final Process process;
    final int port;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    JarNode(String... extraArgs) throws Exception {
        Path jar = Path.of("target", "parley.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("run in the integration-test phase: " + jar.toAbsolutePath() + " is missing");
        }
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "serve", "--bind", "127.0.0.1",
                "--http-port", Integer.toString(port), "--turn-port", "0", "--turns-port", "0",
                "--relay-ip", "127.0.0.1"));
        cmd.addAll(List.of(extraArgs));
        process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ProcessLines.start(process, lines, "jar-node-log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        StringBuilder log = new StringBuilder();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                process.destroyForcibly();
                throw new IllegalStateException("node process did not start:\n" + log);
            }
            log.append(line).append('\n');
            if (line.contains(" ready in ")) {
                return;
            }
        }
    }

    URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/v1/signal");
    }

    /** SIGKILL: no drain, no deregistration, sockets reset by the kernel. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
