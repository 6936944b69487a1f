package dev.parley.server.deploy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stand-in upstream for the proxy tests of streaming responses, speaking raw HTTP/1.1 on loopback:
 * {@code GET /v1/presence/stream} answers an SSE stream that stays open (one event at once, more on
 * {@link #push}); {@code GET /v1/signal} with {@code Upgrade: websocket} completes the RFC 6455
 * handshake and answers each text message with "name:message". It lets the tests show that nginx
 * neither buffers nor breaks these streams, and that clients land on the other upstream when this one
 * dies ({@link #close} drops every connection and the listener, like a crashed node).
 */
final class StreamingBackend implements AutoCloseable {

    private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    final String name;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<OutputStream> sseStreams = new CopyOnWriteArrayList<>();
    private final List<OutputStream> webSockets = new CopyOnWriteArrayList<>();
    private final ReentrantLock writeLock = new ReentrantLock();

    StreamingBackend(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "backend-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Sends one more SSE event to every open stream. */
    void push(String data) {
        writeLock.lock(); // waits for a stream whose hello is being written to be registered
        try {
            for (OutputStream out : sseStreams) {
                try {
                    write(out, "data: " + name + " " + data + "\n\n");
                } catch (IOException e) {
                    sseStreams.remove(out);
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread t = new Thread(() -> serve(s), "backend-" + name + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String requestLine = readLine(in);
                if (requestLine == null || requestLine.isEmpty()) {
                    return;
                }
                Map<String, String> headers = new LinkedHashMap<>();
                for (String h; !(h = readLine(in)).isEmpty(); ) {
                    int c = h.indexOf(':');
                    headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
                }
                String path = requestLine.split(" ")[1];
                if (path.startsWith("/v1/presence/stream")) {
                    // registered under the write lock together with the hello: a test that pushes as soon as
                    // it has read the hello must find the stream (added after the write, a push could miss it)
                    writeLock.lock();
                    try {
                        write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                                + "Connection: close\r\n\r\n" + "data: " + name + " hello\n\n");
                        sseStreams.add(out);
                    } finally {
                        writeLock.unlock();
                    }
                    in.read(); // hold the stream open until the proxy or close() ends it
                    return;
                }
                if (path.startsWith("/v1/signal")) {
                    // As strict as a real server (RFC 6455 4.2.1): a proxy that drops the hop-by-hop
                    // Upgrade/Connection headers breaks the handshake here.
                    boolean upgrade = "websocket".equalsIgnoreCase(headers.get("upgrade"))
                            && headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT).contains("upgrade")
                            && "13".equals(headers.get("sec-websocket-version")) && headers.containsKey("sec-websocket-key");
                    if (!upgrade) {
                        write(out, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                        return;
                    }
                    String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                            .digest((headers.get("sec-websocket-key") + WS_GUID).getBytes(StandardCharsets.US_ASCII)));
                    write(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n");
                    webSockets.add(out);
                    echoFrames(new DataInputStream(in), out);
                    return;
                }
                byte[] body = ("backend " + name + "\n").getBytes(StandardCharsets.UTF_8);
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n");
                out.write(body);
                out.flush();
            }
        } catch (Exception e) {
            // connection closed by the proxy or by close()
        } finally {
            open.remove(s);
        }
    }

    /** Reads client frames (masked, unfragmented) and answers text with "name:text"; close with close. */
    private void echoFrames(DataInputStream in, OutputStream out) throws IOException {
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            int opcode = b0 & 0x0f;
            long len = b1 & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            byte[] mask = new byte[4];
            if ((b1 & 0x80) != 0) {
                in.readFully(mask);
            }
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            switch (opcode) {
                case 0x1 -> frame(out, 0x1, (name + ":" + new String(payload, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                case 0x9 -> frame(out, 0xA, payload);
                case 0x8 -> {
                    frame(out, 0x8, payload);
                    return;
                }
                default -> {
                    // pong / binary: ignored
                }
            }
        }
    }

    private void frame(OutputStream out, int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(0x80 | opcode);
        if (payload.length < 126) {
            f.write(payload.length);
        } else {
            f.write(126);
            f.write(payload.length >>> 8);
            f.write(payload.length & 0xff);
        }
        f.write(payload);
        writeLock.lock();
        try {
            out.write(f.toByteArray());
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private void write(OutputStream out, String s) throws IOException {
        writeLock.lock();
        try {
            out.write(s.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        // Like a process that exits: WebSockets get a close frame (1001 going away), then every
        // connection is dropped.
        for (OutputStream ws : webSockets) {
            try {
                frame(ws, 0x8, new byte[] {(byte) 0x03, (byte) 0xE9});
            } catch (IOException ignored) {
                // already gone
            }
        }
        for (Socket s : open) {
            s.close();
        }
    }
}
