package dev.parley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A lean, single-threaded, non-blocking WebSocket client for load generation: many connections on
 * one {@link Selector}, driven by the caller's thread through {@link #poll(long)}. Client frames are
 * masked (RFC 6455 §5.3) text frames; server pings are answered with pongs; no extensions are
 * offered, so the server never compresses. Not thread-safe: every call from one thread.
 */
final class WsNio implements AutoCloseable {

    /** What the load generator does with a connection's events. */
    interface Handler {
        void onOpen(Conn c);

        /** A complete text or binary message; {@code buf[0, len)} is only valid during the call. */
        void onMessage(Conn c, byte[] buf, int len);

        void onClosed(Conn c, String why);
    }

    /** One connection; {@code tag} is free for the handler. */
    static final class Conn {
        final int id;
        int tag;
        /** The handshake completed (stays true after a close). */
        boolean open;
        boolean closed;
        private final SocketChannel ch;
        private SelectionKey key;
        private final String request;
        private ByteBuffer in = ByteBuffer.allocate(512);
        private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>(2);
        private byte[] msg = new byte[256];
        private int msgLen;

        private Conn(int id, SocketChannel ch, String request) {
            this.id = id;
            this.ch = ch;
            this.request = request;
        }
    }

    private final Selector selector;
    private final Handler handler;
    private final List<Conn> conns = new ArrayList<>();
    int opened;
    int failed;

    WsNio(Handler handler) throws IOException {
        this.selector = Selector.open();
        this.handler = handler;
    }

    /** Starts a connection to {@code ws://host:port/path}, its socket bound to {@code localAddr} when not null. */
    Conn connect(String localAddr, String host, int port, String path) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        if (localAddr != null) {
            ch.bind(new InetSocketAddress(localAddr, 0));
        }
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String req = "GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        Conn c = new Conn(conns.size(), ch, req);
        conns.add(c);
        boolean done = ch.connect(new InetSocketAddress(host, port));
        c.key = ch.register(selector, done ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, c);
        if (done) {
            c.out.add(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
        }
        return c;
    }

    List<Conn> connections() {
        return conns;
    }

    /** Queues a masked text frame. */
    void sendText(Conn c, String text) {
        send(c, 0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    private void send(Conn c, int opcode, byte[] payload) {
        if (c.closed) {
            return;
        }
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        ByteBuffer f = ByteBuffer.allocate(header + 4 + n);
        f.put((byte) (0x80 | opcode));
        if (n < 126) {
            f.put((byte) (0x80 | n));
        } else if (n < 65536) {
            f.put((byte) (0x80 | 126)).putShort((short) n);
        } else {
            f.put((byte) (0x80 | 127)).putLong(n);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        f.putInt(mask);
        for (int i = 0; i < n; i++) {
            f.put((byte) (payload[i] ^ (mask >>> (24 - 8 * (i & 3)))));
        }
        f.flip();
        boolean idle = c.out.isEmpty();
        c.out.add(f);
        if (idle && c.open) {
            flush(c);
        }
    }

    /** Runs the selector once, waiting at most {@code timeoutMillis} (0 = do not block). */
    void poll(long timeoutMillis) throws IOException {
        if (timeoutMillis <= 0) {
            selector.selectNow();
        } else {
            selector.select(timeoutMillis);
        }
        var it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey k = it.next();
            it.remove();
            Conn c = (Conn) k.attachment();
            try {
                if (!k.isValid()) {
                    continue;
                }
                if (k.isConnectable()) {
                    c.ch.finishConnect();
                    c.out.add(ByteBuffer.wrap(c.request.getBytes(StandardCharsets.US_ASCII)));
                    k.interestOps(SelectionKey.OP_WRITE);
                    continue;
                }
                if (k.isWritable()) {
                    flush(c);
                }
                if (k.isValid() && k.isReadable()) {
                    read(c);
                }
            } catch (IOException | RuntimeException e) {
                fail(c, e.toString());
            }
        }
    }

    private void flush(Conn c) {
        try {
            while (!c.out.isEmpty()) {
                ByteBuffer b = c.out.peek();
                c.ch.write(b);
                if (b.hasRemaining()) {
                    c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                c.out.poll();
            }
            c.key.interestOps(SelectionKey.OP_READ);
        } catch (IOException e) {
            fail(c, e.toString());
        }
    }

    private void read(Conn c) throws IOException {
        while (true) {
            if (!c.in.hasRemaining()) {
                ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() * 2);
                c.in.flip();
                bigger.put(c.in);
                c.in = bigger;
            }
            int n = c.ch.read(c.in);
            if (n < 0) {
                fail(c, "eof");
                return;
            }
            if (n == 0) {
                return;
            }
            c.in.flip();
            if (!c.open) {
                if (!handshake(c)) {
                    c.in.compact();
                    continue;
                }
            }
            frames(c);
            c.in.compact();
            if (c.closed) {
                return;
            }
        }
    }

    private boolean handshake(Conn c) {
        ByteBuffer b = c.in;
        for (int i = b.position(); i + 3 < b.limit(); i++) {
            if (b.get(i) == '\r' && b.get(i + 1) == '\n' && b.get(i + 2) == '\r' && b.get(i + 3) == '\n') {
                byte[] head = new byte[i - b.position()];
                b.get(head);
                b.position(i + 4);
                String status = new String(head, 0, Math.min(head.length, 12), StandardCharsets.US_ASCII);
                if (!status.startsWith("HTTP/1.1 101")) {
                    fail(c, "handshake: " + new String(head, StandardCharsets.US_ASCII).lines().findFirst().orElse(""));
                    return true;
                }
                c.open = true;
                opened++;
                handler.onOpen(c);
                if (!c.out.isEmpty()) {
                    flush(c);
                }
                return true;
            }
        }
        return false;
    }

    private void frames(Conn c) {
        ByteBuffer b = c.in;
        while (!c.closed && b.remaining() >= 2) {
            int start = b.position();
            int b0 = b.get(start) & 0xff;
            int b1 = b.get(start + 1) & 0xff;
            int len = b1 & 0x7f;
            int header = 2;
            if (len == 126) {
                if (b.remaining() < 4) {
                    return;
                }
                len = b.getShort(start + 2) & 0xffff;
                header = 4;
            } else if (len == 127) {
                if (b.remaining() < 10) {
                    return;
                }
                len = (int) b.getLong(start + 2);
                header = 10;
            }
            if (b.remaining() < header + len) {
                return;
            }
            int opcode = b0 & 0x0f;
            boolean fin = (b0 & 0x80) != 0;
            b.position(start + header);
            switch (opcode) {
                case 0x0, 0x1, 0x2 -> {
                    if (c.msgLen + len > c.msg.length) {
                        c.msg = java.util.Arrays.copyOf(c.msg, Math.max(c.msg.length * 2, c.msgLen + len));
                    }
                    b.get(c.msg, c.msgLen, len);
                    c.msgLen += len;
                    if (fin) {
                        handler.onMessage(c, c.msg, c.msgLen);
                        c.msgLen = 0;
                    }
                }
                case 0x9 -> {
                    byte[] p = new byte[len];
                    b.get(p);
                    send(c, 0xA, p);
                }
                case 0x8 -> {
                    b.position(b.position() + len);
                    fail(c, "server closed");
                }
                default -> b.position(b.position() + len);
            }
        }
    }

    private void fail(Conn c, String why) {
        if (c.closed) {
            return;
        }
        if (!c.open) {
            failed++;
        }
        c.closed = true; // c.open stays as it was: whether the handshake had completed
        c.key.cancel();
        try {
            c.ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        handler.onClosed(c, why);
    }

    @Override
    public void close() throws IOException {
        for (Conn c : conns) {
            c.key.cancel();
            c.ch.close();
        }
        selector.close();
    }
}
