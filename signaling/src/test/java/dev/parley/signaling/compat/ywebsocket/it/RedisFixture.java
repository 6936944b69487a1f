package dev.parley.signaling.compat.ywebsocket.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** A real redis-server on a free 127.0.0.1 port, started as a child process and stopped by its PID. */
public final class RedisFixture implements AutoCloseable {

    public final int port;
    private final Process process;

    public RedisFixture() throws Exception {
        String exe = findOnPath("redis-server");
        if (exe == null) {
            throw new IllegalStateException("redis-server is not installed (apt-get install -y redis-server)");
        }
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        process = new ProcessBuilder(exe, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!ping()) {
            if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                close();
                throw new IllegalStateException("redis-server did not answer PING on port " + port);
            }
            Thread.onSpinWait();
        }
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    private boolean ping() {
        try (Socket s = new Socket("127.0.0.1", port)) {
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            return "+PONG".equals(line);
        } catch (IOException e) {
            return false;
        }
    }

    /** LLEN of a key (plain RESP over a socket). */
    long llen(String key) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("*2\r\n$4\r\nLLEN\r\n$" + k.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(k);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            if (line == null || !line.startsWith(":")) {
                throw new IOException("LLEN answered " + line);
            }
            return Long.parseLong(line.substring(1));
        }
    }

    /** PUBSUB NUMSUB of one channel: how many connections (nodes) subscribe it. */
    public long numsub(String channel) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            byte[] c = channel.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("*3\r\n$6\r\nPUBSUB\r\n$6\r\nNUMSUB\r\n$" + c.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(c);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(":")) {
                    return Long.parseLong(line.substring(1));
                }
            }
            throw new IOException("PUBSUB NUMSUB gave no count");
        }
    }

    static String findOnPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        for (String dir : new String[] {"/usr/bin", "/usr/local/bin", "/usr/sbin"}) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
