package dev.parley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Many SSE subscribers on one selector thread (a thread per stream would not scale to 10,000).
 * It does not decode HTTP chunking: each frame is small and written in one piece by both
 * servers, so it scans the raw bytes for {@code event: snapshot} (subscribed) and for
 * {@code "user":"b<seq>"} (a delivered change) and records the latency since
 * {@link #markSent(int)} of that sequence number.
 */
final class SseLoad implements AutoCloseable {

    private static final byte[] SNAPSHOT = "event: snapshot".getBytes(StandardCharsets.US_ASCII);
    private static final String USER = "\"user\":\"b";

    private final Selector selector;
    private final List<SocketChannel> channels = new ArrayList<>();
    private final long[] sentAt;
    private final long[] latencies;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong subscribed = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    private final Thread loop;
    private volatile boolean running = true;
    private volatile int latencyFrom = Integer.MAX_VALUE;

    static final class Conn {
        String tail = "";
        boolean snapshot;
    }

    /** @param maxSeq changes per run; latencies are kept for seq >= {@link #recordLatencyFrom} */
    SseLoad(int maxSeq, int maxSamples) throws IOException {
        this.selector = Selector.open();
        this.sentAt = new long[maxSeq];
        this.latencies = new long[maxSamples];
        this.loop = new Thread(this::run, "sse-load");
        loop.setDaemon(true);
        loop.start();
    }

    void recordLatencyFrom(int seq) {
        latencyFrom = seq;
    }

    void markSent(int seq) {
        sentAt[seq] = System.nanoTime();
    }

    /** Opens {@code n} streams to {@code path}, {@code batch} at a time, each batch waiting for its snapshots. */
    void open(int port, String path, int n, int batch) throws Exception {
        byte[] req = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        for (int done = 0; done < n; ) {
            int k = Math.min(batch, n - done);
            for (int i = 0; i < k; i++) {
                SocketChannel ch = SocketChannel.open();
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.connect(new InetSocketAddress("127.0.0.1", port));
                ch.write(ByteBuffer.wrap(req));
                ch.configureBlocking(false);
                channels.add(ch);
                pending.add(ch);
            }
            selector.wakeup();
            done += k;
            awaitSubscribed(done, 60);
        }
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<SocketChannel> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();

    long delivered() {
        return delivered.get();
    }

    void awaitSubscribed(long n, int seconds) throws InterruptedException {
        await(subscribed, n, seconds, "subscribed streams");
    }

    void awaitDelivered(long n, int seconds) throws InterruptedException {
        await(delivered, n, seconds, "delivered events");
    }

    private void await(AtomicLong counter, long n, int seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        lock.lock();
        try {
            while (counter.get() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("only " + counter.get() + " of " + n + " " + what + " after " + seconds + " s");
                }
                progress.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Latencies (ns) recorded so far, for changes with seq >= recordLatencyFrom. */
    long[] latencies() {
        int n = (int) Math.min(samples.get(), latencies.length);
        long[] out = new long[n];
        System.arraycopy(latencies, 0, out, 0, n);
        return out;
    }

    void resetLatencies() {
        samples.set(0);
    }

    private final AtomicLong samples = new AtomicLong();

    private void run() {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        try {
            while (running) {
                selector.select(100);
                for (SocketChannel ch; (ch = pending.poll()) != null; ) {
                    ch.register(selector, SelectionKey.OP_READ, new Conn());
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                boolean any = false;
                while (it.hasNext()) {
                    SelectionKey key = it.next();
                    it.remove();
                    SocketChannel ch = (SocketChannel) key.channel();
                    buf.clear();
                    int n;
                    try {
                        n = ch.read(buf);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n < 0) {
                        key.cancel();
                        continue;
                    }
                    long now = System.nanoTime();
                    String s = ((Conn) key.attachment()).tail + new String(buf.array(), 0, n, StandardCharsets.ISO_8859_1);
                    any |= scan((Conn) key.attachment(), s, now);
                }
                if (any) {
                    lock.lock();
                    try {
                        progress.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean scan(Conn c, String s, long now) {
        boolean any = false;
        if (!c.snapshot && s.contains(new String(SNAPSHOT, StandardCharsets.US_ASCII))) {
            c.snapshot = true;
            subscribed.incrementAndGet();
            any = true;
        }
        int from = 0;
        int consumed = 0;
        while (true) {
            int i = s.indexOf(USER, from);
            if (i < 0) {
                break;
            }
            int start = i + USER.length();
            int end = s.indexOf('"', start);
            if (end < 0) {
                break;   // the sequence number is cut: keep it for the next read
            }
            int seq = Integer.parseInt(s.substring(start, end));
            delivered.incrementAndGet();
            if (seq >= latencyFrom && seq < sentAt.length) {
                long k = samples.getAndIncrement();
                if (k < latencies.length) {
                    latencies[(int) k] = now - sentAt[seq];
                }
            }
            any = true;
            from = end + 1;
            consumed = from;
        }
        int keep = Math.max(consumed, s.length() - 24);
        c.tail = s.substring(Math.min(keep, s.length()));
        return any;
    }

    @Override
    public void close() throws IOException {
        running = false;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SocketChannel ch : channels) {
            ch.close();
        }
        selector.close();
    }
}
