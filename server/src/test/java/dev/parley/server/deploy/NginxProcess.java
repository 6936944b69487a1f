package dev.parley.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The real proxy config (deploy/compose/nginx/parley.conf.template, rendered with loopback
 * upstreams) run by the nginx binary in the foreground under a temp prefix: not the system service.
 * Only this process (and its own workers) is stopped on close.
 */
final class NginxProcess implements AutoCloseable {

    final int port;
    /** The HTTPS port, or -1 without TLS. */
    final int tlsPort;
    final Path dir;
    private final Process process;
    private final StringBuffer log = new StringBuffer();

    private NginxProcess(Path dir, int port, int tlsPort, Process process) {
        this.dir = dir;
        this.port = port;
        this.tlsPort = tlsPort;
        this.process = process;
    }

    /** Writes the config under {@code dir}, runs {@code nginx -t} on it and returns its output. */
    static String configTest(Path dir, String node1, String node2, int port, TestCertificate tls, int tlsPort)
            throws Exception {
        Path nginx = DeployFiles.tool("nginx", "nginx");
        writeConfig(dir, node1, node2, port, tls, tlsPort);
        Process t = new ProcessBuilder(command(nginx, dir, "-t")).redirectErrorStream(true).start();
        String out = new String(t.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(t.waitFor(20, TimeUnit.SECONDS), "nginx -t did not finish");
        assertEquals(0, t.exitValue(), "nginx -t failed:\n" + out);
        return out;
    }

    /** nginx -t, then nginx in front of the two upstreams (host:port); returns once it listens. */
    static NginxProcess start(Path dir, String node1, String node2) throws Exception {
        return start(dir, node1, node2, null);
    }

    /** As {@link #start(Path, String, String)}, plus the HTTPS server (parley-tls.conf.template) when {@code tls} is given. */
    static NginxProcess start(Path dir, String node1, String node2, TestCertificate tls) throws Exception {
        int port = freePort();
        int tlsPort = tls == null ? -1 : freePort();
        configTest(dir, node1, node2, port, tls, tlsPort);
        Path nginx = DeployFiles.tool("nginx", "nginx");
        Process p = new ProcessBuilder(command(nginx, dir)).redirectErrorStream(true).start();
        NginxProcess n = new NginxProcess(dir, port, tlsPort, p);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    n.log.append(l).append('\n');
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // nginx exited
            }
            lines.add("<exit>");
        }, "nginx-log");
        reader.setDaemon(true);
        reader.start();
        // error_log at notice level says "start worker process" after the listening sockets are bound.
        while (true) {
            String l = lines.poll(20, TimeUnit.SECONDS);
            assertTrue(l != null && !l.equals("<exit>"), "nginx did not start:\n" + n.log);
            if (l.contains("start worker process")) {
                return n;
            }
        }
    }

    String log() {
        return log.toString();
    }

    private static String[] command(Path nginx, Path dir, String... extra) {
        String[] base = {nginx.toString(), "-p", dir.toString() + "/", "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    /**
     * The main context is the test's own (in the nginx image it is the image's nginx.conf); the
     * http-level part is the deploy template itself.
     */
    private static void writeConfig(Path dir, String node1, String node2, int port, TestCertificate tls, int tlsPort)
            throws IOException {
        String site = DeployFiles.render(DeployFiles.read(DeployFiles.NGINX_TEMPLATE),
                Map.of("PARLEY_LISTEN", "127.0.0.1:" + port, "PARLEY_NODE_1", node1, "PARLEY_NODE_2", node2));
        if (tls != null) {
            site += DeployFiles.render(DeployFiles.read(DeployFiles.NGINX_TLS_TEMPLATE),
                    Map.of("PARLEY_TLS_LISTEN", "127.0.0.1:" + tlsPort, "PARLEY_SERVER_NAME", "localhost",
                            "PARLEY_TLS_CERT", tls.certFile.toString(), "PARLEY_TLS_KEY", tls.keyFile.toString()));
        }
        Files.writeString(dir.resolve("parley.conf"), site, StandardCharsets.UTF_8);
        // where the image mounts it: parley/locations.conf next to the main nginx.conf
        Files.createDirectories(dir.resolve("parley"));
        Files.copy(DeployFiles.NGINX_LOCATIONS, dir.resolve("parley/locations.conf"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(dir.resolve("tmp"));
        boolean root = "root".equals(System.getProperty("user.name"));
        String main = (root ? "user root;\n" : "") + """
                daemon off;
                master_process on;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log stderr notice;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    include %1$s/parley.conf;
                }
                """.formatted(dir);
        Files.writeString(dir.resolve("nginx.conf"), main, StandardCharsets.UTF_8);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM to the master: fast shutdown, it stops its workers
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
