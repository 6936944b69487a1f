package dev.parley.bench;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parley's TURN relay ({@code parley.jar turn}) against coturn's {@code turnserver}, both on loopback
 * with comparable settings, under the same load from coturn's {@code turnutils_uclient} with
 * {@code turnutils_peer} echoing. Rounds alternate which server goes first; each round starts fresh
 * server processes and warms each up before measuring.
 */
final class TurnBench implements Benchmark {
    private static final String USER = "bench";
    private static final String PASS = "bench";

    /** The parts of the benchmark {@code -Dbench.turn.loads=...} can pick (default: all). */
    static final List<String> KINDS = List.of("udp-channeldata", "udp-send", "tcp-channeldata", "tcp-send", "udp-small",
            "sweep", "memory");

    /**
     * Sweep steps as {sessions, interval ms} of 1000-byte ChannelData: 50,000, 80,000, 120,000 and 160,000
     * messages/s offered. Few sessions per step because uclient sets sessions up one by one (≈0.1 s each).
     */
    private static final int[][] SWEEP_STEPS = {{100, 2}, {80, 1}, {120, 1}, {160, 1}};

    /** One uclient load: {@code sessions} each sending {@code messages} of {@code bytes} every {@code intervalMs}. */
    record Load(String label, String kind, boolean tcp, boolean send, int sessions, int messages, int bytes,
                int intervalMs) {
        double offeredPerSecond() {
            return sessions * 1000.0 / intervalMs;
        }

        List<String> flags() {
            List<String> f = new ArrayList<>();
            if (tcp) {
                f.add("-t");
            }
            if (send) {
                f.add("-s");
            }
            f.addAll(List.of("-m", Integer.toString(sessions), "-n", Integer.toString(messages), "-l",
                    Integer.toString(bytes), "-z", Integer.toString(intervalMs), "-c"));
            return f;
        }
    }

    /** What uclient reported, plus the RTT probe's percentiles (NaN without a probe). */
    record Run(long sent, long received, double lossPercent, double rttMs, double cpuMicros, long probePackets,
               double p50Ms, double p99Ms) {
        double cpuPerRelayedPacket() {
            return cpuMicros / Math.max(1, sent + received + probePackets);
        }
    }

    /** RTT probe: one 100-byte ChannelData every 5 ms (200/s) beside each measured load. */
    private static final long PROBE_PERIOD_MICROS = 5_000;

    @Override
    public String name() {
        return "turn";
    }

    @Override
    public String title() {
        return "TURN relay: Parley vs coturn 4.6 (turnutils_uclient load on loopback)";
    }

    /** The kinds picked with {@code -Dbench.turn.loads}, or all. */
    static List<String> selectedKinds() {
        String p = System.getProperty("bench.turn.loads", "").trim();
        if (p.isEmpty()) {
            return KINDS;
        }
        List<String> out = new ArrayList<>();
        for (String k : p.split(",")) {
            if (!KINDS.contains(k.trim())) {
                throw new IllegalArgumentException("bench.turn.loads: unknown '" + k + "', have " + KINDS);
            }
            out.add(k.trim());
        }
        return out;
    }

    @Override
    public Result run(BenchOptions o) throws Exception {
        int measured = o.quick() ? 30 : 400; // 8 s per measured load at 20 ms
        int warm = o.quick() ? 30 : 100;
        List<String> kinds = selectedKinds();
        String anchorJar = System.getProperty("bench.turn.anchorJar");
        String anchorName = anchorJar == null ? "coturn" : "Parley (" + Path.of(anchorJar).getFileName() + ")";
        List<Load> loads = new ArrayList<>(List.of(
                new Load("UDP ChannelData 100×1000 B @20 ms", "udp-channeldata", false, false, 100, measured, 1000, 20),
                new Load("UDP Send 100×1000 B @20 ms", "udp-send", false, true, 100, measured, 1000, 20),
                new Load("TCP ChannelData 50×500 B @20 ms", "tcp-channeldata", true, false, 50, measured, 500, 20),
                new Load("TCP Send 50×500 B @20 ms", "tcp-send", true, true, 50, measured, 500, 20),
                new Load("UDP ChannelData 10×100 B @20 ms", "udp-small", false, false, 10, measured, 100, 20)));
        loads.removeIf(l -> !kinds.contains(l.kind()));
        List<Load> sweep = new ArrayList<>();
        if (kinds.contains("sweep")) {
            for (int[] step : o.quick() ? new int[][] {{100, 5}, {100, 2}} : SWEEP_STEPS) {
                int messages = o.quick() ? 100 : 3000 / step[1]; // 3 s at the offered rate
                sweep.add(new Load("sweep " + step[0] + " @" + step[1] + " ms", "sweep", false, false, step[0],
                        messages, 1000, step[1]));
            }
        }
        List<String> sweepNotes = new ArrayList<>();
        int floodSize = o.quick() ? 500 : 10_000;
        Metric maxLoad = new Metric("highest load with < 0.1 % loss (UDP ChannelData 1000 B, messages/s achieved)",
                "pkt/s", false);
        Metric rssPerAlloc = new Metric("RSS per allocation at " + floodSize + " allocations", "KiB", true);
        List<Double> heapPerAlloc = new ArrayList<>();

        Comparison c = new Comparison("Parley", anchorName);
        String tool = "turnutils_uclient";
        for (int round = 0; round < o.rounds(); round++) {
            for (Comparison.Side side : round % 2 == 0
                    ? List.of(Comparison.Side.OURS, Comparison.Side.ANCHOR)
                    : List.of(Comparison.Side.ANCHOR, Comparison.Side.OURS)) {
                int port = freeUdpTcpPort();
                String who = side == Comparison.Side.OURS ? "Parley" : anchorJar == null ? "coturn" : "base";
                if (!loads.isEmpty() || !sweep.isEmpty()) {
                    measureLoads(side, who, port, anchorJar, loads, sweep, warm, o, round, c, maxLoad, sweepNotes);
                }
                if (round > 0 || !kinds.contains("memory")) {
                    continue; // memory per allocation is measured once per side: it barely varies
                }
                try (Proc server = start(side, port, o.workDir(), anchorJar)) {
                    server.awaitTcp(port, Duration.ofSeconds(60));
                    double[] mem = flood(server, side, port, floodSize);
                    c.add(rssPerAlloc, side, mem[0]);
                    if (side == Comparison.Side.OURS) {
                        heapPerAlloc.add(mem[1]);
                    }
                }
            }
        }
        String heap = heapPerAlloc.stream().map(v -> String.format(Locale.ROOT, "%.0f", v))
                .reduce((a, b) -> a + ", " + b).orElse("–");
        String anchorText = anchorJar == null
                ? "coturn `turnserver` 4.6 with its defaults (relay threads = cores)"
                : "as the anchor, Parley again from `" + anchorJar + "` with the same flags (an A/B run)";
        return new Result(c, "Both servers on 127.0.0.1 with long-term credentials, loopback peers allowed, "
                + "FINGERPRINT, no TLS: Parley `java -Xmx512m -jar parley.jar turn --turn-legacy-channels "
                + "--turn-source-rps 100000` (one I/O thread; the first flag lets uclient's RFC 5766 channel numbers "
                + "through, which coturn always accepts; the second lifts the per-source-IP STUN request limit, "
                + "which coturn does not have, so the sweep's hundreds of sessions from 127.0.0.1 can allocate), "
                + anchorText + ". Load from `" + tool + "` with "
                + "`turnutils_peer` echoing; each message is relayed twice (client→peer, peer→client). Each round "
                + "starts fresh processes and first runs every load kind once, unmeasured (" + warm + " messages per "
                + "session), so both servers are in steady state (for the JVM: hot paths JIT-compiled) when "
                + "measuring starts; each measured load sends " + measured + " messages per session (8 s at 20 ms)."
                + (kinds.equals(KINDS) ? "" : " Only these parts ran: " + String.join(", ", kinds) + "."),
                "CPU per relayed packet = server process user+system time (/proc/<pid>/stat, 10 ms ticks) over the "
                        + "run divided by relayed packets (uclient's messages sent + received, plus the probe's). "
                        + "Loss is uclient's own figure. RTT p50/p99 come from a lean Java TURN client in the bench "
                        + "(TurnRttProbe: its own UDP allocation, ChannelBind 0x4001 to the same turnutils_peer, one "
                        + "100-byte ChannelData every 5 ms carrying its send time) running beside each measured "
                        + "load, identically for both servers; uclient itself reports only a mean in whole ms. The "
                        + "sweep offers 50,000 (100 uclient sessions of 1000 B every 2 ms), 80,000, 120,000 and 160,000 "
                        + "messages/s (80, 120, 160 sessions every 1 ms), 3 s each, and stops at the first step with ≥ 0.1 % loss. uclient falls behind its schedule rather than losing messages "
                        + "when it lacks CPU, so the row is the rate achieved: the peak one-second rate of UDP "
                        + "datagrams received on the host (/proc/net/snmp) / 4, the highest among steps without loss. "
                        + "uclient, turnutils_peer and the server share the 2 cores, so for the last step the bench notes "
                        + "each one's peak one-second CPU use (sampled from /proc every 100 ms): "
                        + String.join("; ", sweepNotes) + ". Memory: "
                        + floodSize + " allocations held open from 50 source addresses, measured in the first round; "
                        + "RSS delta per allocation (both), and for Parley the Java heap used after a full GC per allocation: " + heap
                        + " bytes (rounds). The machine's 2 cores are shared with the load generator and with other "
                        + "work: compare within one run only.");
    }

    private static void measureLoads(Comparison.Side side, String who, int port, String anchorJar, List<Load> loads,
                                     List<Load> sweep, int warm, BenchOptions o, int round, Comparison c,
                                     Metric maxLoad, List<String> sweepNotes) throws Exception {
        try (Proc server = start(side, port, o.workDir(), anchorJar);
             Proc peer = Proc.start("turn-peer", o.workDir(),
                     List.of("turnutils_peer", "-L", "127.0.0.1", "-p", Integer.toString(port + 1)))) {
            server.awaitTcp(port, Duration.ofSeconds(60));
            TimeUnit.MILLISECONDS.sleep(300); // let turnutils_peer bind (it prints nothing)
            // warm-up, not measured: every load kind once, so both servers are in steady state
            // (for the JVM: JIT-compiled hot paths) when measuring starts
            List<Load> warmUps = loads.isEmpty() ? List.of(new Load("UDP ChannelData 100×1000 B @20 ms", "",
                    false, false, 100, warm, 1000, 20)) : loads;
            for (Load l : warmUps) {
                uclient(server, who, port, new Load("warm-up " + l.label(), l.kind(), l.tcp(), l.send(),
                        l.sessions(), warm, l.bytes(), l.intervalMs()), o, false);
            }
            for (Load l : loads) {
                Run r = uclient(server, who, port, l, o, true);
                c.add(new Metric(l.label() + ": server CPU per relayed packet", "µs", true), side,
                        r.cpuPerRelayedPacket());
                c.add(new Metric(l.label() + ": loss", "%", true), side, r.lossPercent());
                c.add(new Metric(l.label() + ": RTT p50 (probe)", "ms", true), side, r.p50Ms());
                c.add(new Metric(l.label() + ": RTT p99 (probe)", "ms", true), side, r.p99Ms());
            }
            if (!sweep.isEmpty()) {
                c.add(maxLoad, side, sweep(server, peer, who, port, sweep, o, round, sweepNotes));
            }
        }
    }

    /**
     * Offers more and more load until a step loses 0.1 % or more. Returns the highest rate achieved without loss, in
     * messages per second: the peak one-second rate of UDP datagrams received on the host divided by 4
     * (each message is received by the server, the peer, the server again and uclient), since uclient
     * falls behind its schedule when it lacks CPU instead of losing messages. Notes the last step's peak
     * one-second CPU use of the server, uclient and turnutils_peer, so a reader can tell a server limit
     * from a generator (uclient is one thread) or whole-machine limit.
     */
    private static double sweep(Proc server, Proc peer, String who, int port, List<Load> steps, BenchOptions o,
                                int round, List<String> notes) throws Exception {
        double best = 0;
        for (Load l : steps) {
            PeakCpu[] peaks = new PeakCpu[1];
            Run r = uclient(server, who, port, l, o, false, peer, peaks);
            double achieved = peaks[0].peakUdpInPerSecond() / 4;
            double serverCores = peaks[0].peakCores(0);
            double peerCores = peaks[0].peakCores(1);
            double uclientCores = peaks[0].peakCores(2);
            String what = String.format(Locale.ROOT, "offered %,.0f, achieved %,.0f msg/s, loss %.2f %%; peak 1 s "
                    + "CPU: server %.2f, uclient %.2f, turnutils_peer %.2f cores", l.offeredPerSecond(), achieved,
                    r.lossPercent(), serverCores, uclientCores, peerCores);
            System.out.printf(Locale.ROOT, "  %-7s %-44s %s%n", who, l.label(), what);
            boolean passed = r.lossPercent() < 0.1 && r.received() > 0;
            if (passed) {
                best = Math.max(best, achieved);
            }
            if (passed && l != steps.get(steps.size() - 1)) {
                continue;
            }
            String limit = uclientCores >= 0.9 ? "uclient (one thread) saturated: generator-limited"
                    : serverCores + uclientCores + peerCores >= 1.8 ? "the 2 cores saturated by all three"
                    : serverCores >= 0.9 ? "server at a full core"
                    : "no process saturated over 1 s";
            String why = !passed ? "lost ≥ 0.1 %" : "sweep top, no loss";
            notes.add(String.format(Locale.ROOT, "round %d %s stopped at %s (%s): %s; %s", round + 1, who,
                    l.label(), why, what, limit));
            return best;
        }
        return best;
    }

    private static Proc start(Comparison.Side side, int port, Path work, String anchorJar) throws IOException {
        String range = side == Comparison.Side.OURS ? "20000-32000" : "40000-52000";
        if (side == Comparison.Side.OURS || anchorJar != null) {
            Path jar = side == Comparison.Side.OURS ? Path.of("server", "target", "parley.jar") : Path.of(anchorJar);
            return Proc.parley(side == Comparison.Side.OURS ? "parley-turn" : "parley-turn-base", work, jar,
                    List.of("-Xmx512m"), List.of("turn", "--bind", "127.0.0.1",
                    "--turn-port", Integer.toString(port), "--turns-port", "-1", "--relay-ip", "127.0.0.1",
                    "--relay-ports", range, "--realm", "bench", "--turn-user", USER + ":" + PASS,
                    "--allow-loopback-peers", "--turn-legacy-channels", "--turn-user-quota", "20000",
                    "--turn-source-rps", "100000", "--log-level", "warn"));
        }
        Path db = work.resolve("coturn-" + port + ".db");
        Files.createDirectories(work);
        Files.deleteIfExists(db);
        String[] r = range.split("-");
        return Proc.start("coturn", work, List.of("turnserver", "-n", "--listening-ip=127.0.0.1",
                "--relay-ip=127.0.0.1", "--listening-port=" + port, "--min-port=" + r[0], "--max-port=" + r[1],
                "--realm=bench", "--lt-cred-mech", "--user=" + USER + ":" + PASS, "--fingerprint",
                "--allow-loopback-peers", "--no-tls", "--no-dtls", "--no-cli", "--userdb=" + db.toAbsolutePath(),
                "--pidfile=" + work.resolve("coturn-" + port + ".pid").toAbsolutePath(), "--log-file=stdout",
                "--simple-log"));
    }

    private static final Pattern TOTALS = Pattern.compile("tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)\\s*$", Pattern.MULTILINE);
    private static final Pattern LOST = Pattern.compile("Total lost packets (\\d+) \\(([0-9.]+)%\\)");
    private static final Pattern RTT = Pattern.compile("Average round trip delay ([0-9.]+) ms");

    private static Run uclient(Proc server, String who, int port, Load l, BenchOptions o, boolean probe)
            throws Exception {
        return uclient(server, who, port, l, o, probe, null, null);
    }

    /** With {@code peaks} set, samples server, peer and uclient CPU during the run into it (index 0, 1, 2). */
    private static Run uclient(Proc server, String who, int port, Load l, BenchOptions o, boolean probe, Proc peer,
                               PeakCpu[] peaks) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("turnutils_uclient", "-p", Integer.toString(port), "-e", "127.0.0.1",
                "-r", Integer.toString(port + 1), "-u", USER, "-w", PASS));
        cmd.addAll(l.flags());
        cmd.add("127.0.0.1");
        TurnRttProbe prober = probe ? TurnRttProbe.tryOpen(new InetSocketAddress("127.0.0.1", port),
                new InetSocketAddress("127.0.0.1", port + 1), USER, PASS, PROBE_PERIOD_MICROS) : null;
        TurnRttProbe.Result pr = null;
        double cpu0 = server.cpuMicros();
        double cpu;
        byte[] out;
        try {
            if (prober != null) {
                prober.start();
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            PeakCpu sampler = peaks == null ? null : new PeakCpu(server.pid(), peer.pid(), p.pid());
            try {
                out = p.getInputStream().readAllBytes();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("uclient hung: " + l);
                }
            } finally {
                if (sampler != null) {
                    sampler.close();
                    peaks[0] = sampler;
                }
            }
            if (prober != null) {
                pr = prober.stop();
            }
            cpu = server.cpuMicros() - cpu0;
        } finally {
            if (prober != null) {
                prober.close();
            }
        }
        long probePackets = pr == null ? 0 : 2L * pr.sent() - pr.lost();
        double p50 = pr == null ? Double.NaN : pr.p50Ms();
        double p99 = pr == null ? Double.NaN : pr.p99Ms();
        String text = new String(out, StandardCharsets.UTF_8);
        Matcher t = TOTALS.matcher(text);
        Matcher lost = LOST.matcher(text);
        Matcher rtt = RTT.matcher(text);
        if (!t.find() || !lost.find() || !rtt.find()) {
            Files.writeString(o.workDir().resolve("uclient-failed.log"), text);
            System.out.printf(Locale.ROOT, "  %-7s %-44s FAILED (see uclient-failed.log)%n", who, l.label());
            return new Run(0, 0, 100, Double.NaN, cpu, probePackets, p50, p99);
        }
        long sent = Long.parseLong(t.group(1));
        long recv = Long.parseLong(t.group(2));
        double loss = sent == 0 ? 100 : Double.parseDouble(lost.group(2));
        Run run = new Run(sent, recv, loss, Double.parseDouble(rtt.group(1)), cpu, probePackets, p50, p99);
        System.out.printf(Locale.ROOT, "  %-7s %-44s sent %6d recv %6d loss %6.3f%% rtt p50 %6.3f p99 %6.3f ms"
                        + " (probe lost %d) cpu/pkt %6.2f µs%n", who, l.label(), sent, recv, loss, p50, p99,
                pr == null ? 0 : pr.lost(), run.cpuPerRelayedPacket());
        return run;
    }

    /** Opens many allocations; returns {RSS KiB per allocation, heap bytes per allocation (Parley) or NaN}. */
    private static double[] flood(Proc server, Comparison.Side side, int port, int n) throws Exception {
        TimeUnit.SECONDS.sleep(1);
        double heap0 = side == Comparison.Side.OURS ? heapUsedBytes(server.pid()) : Double.NaN;
        long rss0 = server.rssKib();
        try (TurnAllocationFlood f = new TurnAllocationFlood(new InetSocketAddress("127.0.0.1", port), USER, PASS)) {
            int ok = f.allocate(n);
            double heap1 = side == Comparison.Side.OURS ? heapUsedBytes(server.pid()) : Double.NaN;
            long rss1 = server.rssKib();
            System.out.printf(Locale.ROOT, "  %s: %d allocations, RSS +%d KiB, heap +%.0f bytes%n", side, ok,
                    rss1 - rss0, heap1 - heap0);
            if (ok < n * 0.95) {
                throw new IllegalStateException(side + ": only " + ok + " of " + n + " allocations succeeded: "
                        + server.tail());
            }
            return new double[] {(rss1 - rss0) / (double) ok, (heap1 - heap0) / ok};
        }
    }

    /** Java heap in use after a full GC, via jcmd (GC.run, then GC.heap_info). */
    private static double heapUsedBytes(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        exec(List.of(jcmd, Long.toString(pid), "GC.run"));
        String info = exec(List.of(jcmd, Long.toString(pid), "GC.heap_info"));
        Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("cannot read heap use from jcmd: " + info);
        }
        return Long.parseLong(m.group(1)) * 1024.0;
    }

    private static String exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(60, TimeUnit.SECONDS);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** A port free for both UDP and TCP on 127.0.0.1, with port + 1 free for UDP (the echo peer). */
    private static int freeUdpTcpPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            int port = Proc.freePort();
            try (DatagramSocket a = new DatagramSocket(port, InetAddress.getLoopbackAddress());
                 DatagramSocket b = new DatagramSocket(port + 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port pair");
    }
}
