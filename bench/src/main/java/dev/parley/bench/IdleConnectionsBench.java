package dev.parley.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How much one node pays to hold idle WebSocket connections: Parley's {@code /v1/signal} (each
 * connection sends {@code hello} and gets {@code welcome}: a live session) against y-webrtc's Node
 * server (each connection subscribes to one of 100 topics and gets a {@code pong} after it).
 *
 * <p>The client is {@link WsNio} in the benchmark JVM, a separate process from the server (the
 * per-process fd limit is 20,000); its sockets are bound to 127.0.0.2–127.0.0.9 in turn so that
 * no single source address runs out of ephemeral ports. At most {@value #IN_FLIGHT} handshakes
 * are in flight at a time, and a side gets at most 2 minutes to connect.
 */
final class IdleConnectionsBench implements Benchmark {

    static final Metric HELD = new Metric("connections held", "conn", false);
    static final Metric RSS = new Metric("server RSS per connection", "KiB", true);
    static final Metric HEAP = new Metric("server heap per connection (after GC; Parley only)", "KiB", true);
    static final Metric CONNECT = new Metric("connect + hello/subscribe rate", "conn/s", false);

    static final int IN_FLIGHT = 256;
    private static final Duration CAP = Duration.ofMinutes(2);
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final int target;

    IdleConnectionsBench(int target) {
        this.target = target;
    }

    @Override
    public String name() {
        return "idle-connections";
    }

    @Override
    public String title() {
        return "Idle WebSocket connections on one node: Parley /v1/signal vs y-webrtc's bin/server.js";
    }

    @Override
    public Result run(BenchOptions o) throws Exception {
        int n = o.quick() ? Math.min(target, 500) : target;
        YWebrtcFanoutBench.ensureAnchorInstalled(o.workDir());
        Comparison c = new Comparison("Parley", "y-webrtc 10.3.0 bin/server.js");
        String loadBefore = YWebrtcFanoutBench.loadAverage();
        StringBuilder detail = new StringBuilder();
        for (int round = 0; round < o.rounds(); round++) {
            for (Comparison.Side side : round % 2 == 0
                    ? List.of(Comparison.Side.OURS, Comparison.Side.ANCHOR)
                    : List.of(Comparison.Side.ANCHOR, Comparison.Side.OURS)) {
                int port = Proc.freePort();
                boolean ours = side == Comparison.Side.OURS;
                Proc p = ours
                        ? Proc.parley("parley-idle", o.workDir(), List.of("-Xmx1g"), YWebrtcFanoutBench.parleyArgs(port))
                        : YWebrtcFanoutBench.anchor("ywebrtc-idle", o.workDir(), port);
                try (p) {
                    p.awaitTcp(port, Duration.ofSeconds(60));
                    // one small warm-up so that both servers have loaded their code paths before the baseline
                    try (Load warm = new Load(ours, port, 50)) {
                        warm.run();
                    }
                    settle();
                    long heap0 = ours ? heapUsedKib(p.pid()) : -1;
                    long rss0 = p.rssKib();
                    try (Load load = new Load(ours, port, n)) {
                        load.run();
                        double secs = load.connectNanos / 1e9;
                        settle();
                        long heap1 = ours ? heapUsedKib(p.pid()) : -1;
                        long rss1 = p.rssKib();
                        int held = load.ready - load.lost();
                        c.add(HELD, side, held);
                        c.add(CONNECT, side, load.ready / secs);
                        c.add(RSS, side, held == 0 ? Double.NaN : (rss1 - rss0) / (double) held);
                        if (ours) {
                            c.add(HEAP, side, held == 0 ? Double.NaN : (heap1 - heap0) / (double) held);
                        }
                        detail.append(String.format(java.util.Locale.ROOT,
                                "round %d %s: %d held (%d failed), RSS %d → %d KiB%s, %.1f s to connect. ",
                                round + 1, ours ? "Parley" : "anchor", held, load.failed(), rss0, rss1,
                                ours ? String.format(java.util.Locale.ROOT, ", heap after GC %d → %d KiB", heap0, heap1) : "",
                                secs));
                    }
                    if (!p.isAlive()) {
                        throw new IllegalStateException(side + " died: " + p.tail());
                    }
                }
            }
        }
        return new Result(c, n + " idle WebSocket connections to one server on loopback, opened from the benchmark JVM "
                + "(one-thread NIO client, sockets bound to 127.0.0.2–127.0.0.9, at most " + IN_FLIGHT
                + " handshakes in flight, 2 min cap per side). Parley: parley.jar serve -Xmx1g --max-connections 50000, "
                + "other limits default; each connection to /v1/signal sends `hello` and waits for `welcome` (a "
                + "session with its TURN credentials, no room). Anchor: y-webrtc 10.3.0 `bin/server.js` (Node "
                + YWebrtcFanoutBench.nodeVersion() + "); each connection subscribes to one of 100 topics and waits for the "
                + "`pong` of a following `ping`. Memory is measured after a 50-connection warm-up and 3 s of rest, "
                + "before and after opening the connections (and, for Parley, a `jcmd GC.run` first).",
                "Machine load average (1 min) " + loadBefore + " before the run and " + YWebrtcFanoutBench.loadAverage()
                        + " after. RSS per connection = (RSS with the connections − RSS before) / connections held; "
                        + "it counts user-space memory only (socket buffers are kernel memory, "
                        + "not in RSS). For the JVM, RSS also moves with how much of the heap the GC has committed, "
                        + "so the heap figure (live objects after a full GC) is the one to read for Parley's own cost. "
                        + "Node's heap is not measurable from outside without instrumentation, so the anchor has RSS only. "
                        + detail);
    }

    private static void settle() {
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));
    }

    /** Heap in use after a full GC, from {@code jcmd}. */
    static long heapUsedKib(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        Matcher m = USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("no 'used' in jcmd GC.heap_info: " + info);
        }
        return Long.parseLong(m.group(1));
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }

    /** Opens {@code n} connections and brings each to its idle state. */
    private static final class Load implements WsNio.Handler, AutoCloseable {
        private final WsNio ws;
        private final boolean ours;
        private final int port;
        private final int n;
        int ready;
        long connectNanos;
        private int closedAfterReady;

        Load(boolean ours, int port, int n) throws IOException {
            this.ws = new WsNio(this);
            this.ours = ours;
            this.port = port;
            this.n = n;
        }

        void run() throws IOException {
            long begin = System.nanoTime();
            long deadline = begin + CAP.toNanos();
            connectNanos = CAP.toNanos();
            int started = 0;
            while (System.nanoTime() < deadline) {
                int settled = ready + ws.failed + closedBeforeReady;
                while (started < n && started - settled < IN_FLIGHT) {
                    String local = "127.0.0." + (2 + started % 8);
                    ws.connect(local, "127.0.0.1", port, ours ? "/v1/signal" : "/").tag = started;
                    started++;
                }
                if (settled >= n) {
                    connectNanos = System.nanoTime() - begin;
                    break;
                }
                ws.poll(5);
            }
            // a last look: anything closed by the server shortly after becoming idle
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < until) {
                ws.poll(50);
            }
        }

        private int closedBeforeReady;

        int failed() {
            return ws.failed + closedBeforeReady;
        }

        int lost() {
            return closedAfterReady;
        }

        @Override
        public void onOpen(WsNio.Conn c) {
            if (ours) {
                ws.sendText(c, "{\"t\":\"hello\"}");
            } else {
                ws.sendText(c, "{\"type\":\"subscribe\",\"topics\":[\"idle-" + (c.tag % 100) + "\"]}");
                ws.sendText(c, "{\"type\":\"ping\"}");
            }
        }

        @Override
        public void onMessage(WsNio.Conn c, byte[] buf, int len) {
            if (c.tag >= 0 && YWebrtcFanoutBench.indexOf(buf, len, ours ? "welcome" : "pong") >= 0) {
                c.tag = -1;
                ready++;
            }
        }

        @Override
        public void onClosed(WsNio.Conn c, String why) {
            if (c.tag == -1) {
                closedAfterReady++;
            } else if (c.open) {
                closedBeforeReady++;
            }
        }

        @Override
        public void close() throws IOException {
            ws.close();
        }
    }
}
