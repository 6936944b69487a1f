package dev.parley.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server process under test: started with its output in a log file, measured through
 * {@code /proc/<pid>} (CPU time, resident memory), stopped by its PID only.
 */
public final class Proc implements AutoCloseable {

    /** Clock ticks per second for /proc/<pid>/stat times; 100 on every Linux this runs on. */
    private static final double CLK_TCK = 100.0;

    private final String name;
    private final Process process;
    private final Path log;

    private Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static Proc start(String name, Path logDir, List<String> command) throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new Proc(name, p, log);
    }

    /** The Parley jar as a process: {@code java -jar server/target/parley.jar args...}. */
    public static Proc parley(String name, Path logDir, List<String> jvmArgs, List<String> args) throws IOException {
        return parley(name, logDir, Path.of("server", "target", "parley.jar"), jvmArgs, args);
    }

    /** A Parley jar (e.g. a build of another commit, for A/B runs) as a process: {@code java -jar jar args...}. */
    public static Proc parley(String name, Path logDir, Path jar, List<String> jvmArgs, List<String> args)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("build the jar first: mvn -B -DskipTests package (missing " + jar + ")");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        return start(name, logDir, cmd);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** User + system CPU time so far, in microseconds, from /proc/<pid>/stat. */
    public double cpuMicros() throws IOException {
        return cpu().total();
    }

    /** CPU time so far split into user and system (kernel) time, in microseconds. */
    public record Cpu(double user, double system) {
        public double total() {
            return user + system;
        }

        public Cpu minus(Cpu earlier) {
            return new Cpu(user - earlier.user, system - earlier.system);
        }
    }

    public Cpu cpu() throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"), StandardCharsets.US_ASCII);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long utime = Long.parseLong(f[11]);
        long stime = Long.parseLong(f[12]);
        return new Cpu(utime / CLK_TCK * 1_000_000, stime / CLK_TCK * 1_000_000);
    }

    /** Write-type system calls (write, writev, ...) so far, from {@code syscw} in /proc/<pid>/io. */
    public long writeSyscalls() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "io"))) {
            if (line.startsWith("syscw:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        return -1;
    }

    /** Resident set size in KiB, from /proc/<pid>/status. */
    public long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** Waits until a TCP port accepts connections on 127.0.0.1, or fails with the log's tail. */
    public void awaitTcp(int port, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited early: " + tail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
        throw new IllegalStateException(name + " did not open port " + port + " in " + timeout + ": " + tail());
    }

    /** Waits until a line containing {@code text} appears in the log. */
    public void awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited early: " + tail());
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException(name + " did not log '" + text + "' in " + timeout + ": " + tail());
    }

    public String tail() throws IOException {
        if (!Files.exists(log)) {
            return "(no output)";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
