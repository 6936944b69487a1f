package dev.parley.presence.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} child process on a free 127.0.0.1 port, no persistence. Tests may
 * {@link #kill()} it (SIGKILL) and {@link #start()} it again on the same port to simulate an outage
 * that loses all data.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private Process process;

    public RedisServer() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            port = s.getLocalPort();
        }
        dir = Files.createTempDirectory("parley-redis");
    }

    public static RedisServer started() throws Exception {
        RedisServer r = new RedisServer();
        r.start();
        return r;
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public void start() throws Exception {
        process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--loglevel", "warning")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if (command("PING").startsWith("+PONG")) {
                    return;
                }
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server did not answer PING on " + port);
                }
                // the process is starting; poll again (bounded by the deadline above)
                process.waitFor(20, TimeUnit.MILLISECONDS);
            }
        }
    }

    /** SIGKILL, like {@code kill -9}: no save, connections reset. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public void flushAll() throws IOException {
        command("FLUSHALL");
    }

    /** Counts of each command executed so far (INFO commandstats), e.g. {@code evalsha -> 12}. */
    public Map<String, Long> commandStats() throws IOException {
        String info = command("INFO commandstats");
        Map<String, Long> out = new HashMap<>();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("cmdstat_")) {
                String name = line.substring(8, line.indexOf(':'));
                String calls = line.substring(line.indexOf("calls=") + 6, line.indexOf(','));
                out.put(name, Long.parseLong(calls));
            }
        }
        return out;
    }

    /** Sends one inline command and returns the raw reply (enough for PING, FLUSHALL, INFO). */
    public String command(String inline) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder sb = new StringBuilder();
            byte[] buf = new byte[8192];
            int n = in.read(buf);
            if (n < 0) {
                throw new IOException("closed");
            }
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            if (sb.charAt(0) == '$') {
                int len = Integer.parseInt(sb.substring(1, sb.indexOf("\r\n")));
                int header = sb.indexOf("\r\n") + 2;
                while (sb.toString().getBytes(StandardCharsets.UTF_8).length < header + len + 2) {
                    n = in.read(buf);
                    if (n < 0) {
                        break;
                    }
                    sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                }
                return sb.substring(header);
            }
            return sb.toString();
        }
    }

    @Override
    public void close() throws Exception {
        kill();
    }
}
