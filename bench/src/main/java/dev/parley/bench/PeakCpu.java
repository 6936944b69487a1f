package dev.parley.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Samples the CPU time of a few processes every 100 ms and keeps, per process, the highest use over any
 * one-second window, in cores. Tells which process ran out of CPU during a load step (a single-threaded
 * load generator saturates at 1.0). Also keeps the highest one-second rate of UDP datagrams received on
 * this host ({@code Udp: InDatagrams} in /proc/net/snmp): the load actually achieved, whatever was offered.
 */
final class PeakCpu implements AutoCloseable {
    private static final int WINDOW = 10; // samples of 100 ms
    private static final double CLK_TCK = 100.0;

    private final long[] pids;
    private final double[] peak;
    private double peakUdpIn;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);

    PeakCpu(long... pids) {
        this.pids = pids.clone();
        this.peak = new double[pids.length];
        this.thread = new Thread(this::run, "peak-cpu");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long[] times = new long[WINDOW + 1];
        double[][] cpu = new double[pids.length][WINDOW + 1];
        long[] udpIn = new long[WINDOW + 1];
        int n = 0;
        try {
            do {
                int slot = n % (WINDOW + 1);
                times[slot] = System.nanoTime();
                for (int i = 0; i < pids.length; i++) {
                    cpu[i][slot] = cpuMicros(pids[i]);
                }
                udpIn[slot] = udpInDatagrams();
                if (n >= WINDOW) {
                    int old = (n - WINDOW) % (WINDOW + 1);
                    double wallMicros = (times[slot] - times[old]) / 1000.0;
                    for (int i = 0; i < pids.length; i++) {
                        if (cpu[i][slot] >= 0 && cpu[i][old] >= 0) {
                            peak[i] = Math.max(peak[i], (cpu[i][slot] - cpu[i][old]) / wallMicros);
                        }
                    }
                    if (udpIn[slot] >= 0 && udpIn[old] >= 0) {
                        peakUdpIn = Math.max(peakUdpIn, (udpIn[slot] - udpIn[old]) / (wallMicros / 1e6));
                    }
                }
                n++;
            } while (!stop.await(100, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** utime + stime of {@code pid} in microseconds, or -1 once it has exited. */
    private static double cpuMicros(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLK_TCK * 1_000_000;
        } catch (IOException | RuntimeException gone) {
            return -1;
        }
    }

    /** {@code Udp: InDatagrams} from /proc/net/snmp (this network namespace), or -1. */
    private static long udpInDatagrams() {
        try {
            String header = null;
            for (String line : Files.readAllLines(Path.of("/proc/net/snmp"), StandardCharsets.US_ASCII)) {
                if (!line.startsWith("Udp:")) {
                    continue;
                }
                if (header == null) {
                    header = line;
                    continue;
                }
                String[] names = header.split(" ");
                String[] values = line.split(" ");
                for (int i = 1; i < names.length; i++) {
                    if (names[i].equals("InDatagrams")) {
                        return Long.parseLong(values[i]);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not on Linux: no rate
        }
        return -1;
    }

    /** Highest one-second rate of UDP datagrams received on this host, per second. */
    double peakUdpInPerSecond() {
        return peakUdpIn;
    }

    /** Highest one-second CPU use of the i-th process so far, in cores. */
    double peakCores(int i) {
        return peak[i];
    }

    @Override
    public void close() throws InterruptedException {
        stop.countDown();
        thread.join(1000);
    }
}
