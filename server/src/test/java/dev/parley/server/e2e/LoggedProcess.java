package dev.parley.server.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child process whose merged output is read line by line into a queue (for waiting on a line)
 * and copied to a log file under target/ (for reading after a failure). {@link #close()} ends it and
 * every process it started (a browser driver's Chromium), SIGTERM first, SIGKILL after a grace.
 */
final class LoggedProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Thread reader;

    private LoggedProcess(String name, Process process, Path log) throws IOException {
        this.name = name;
        this.process = process;
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
        this.reader = new Thread(() -> {
            try (out; BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                    unread.add(l);
                    out.println(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    static LoggedProcess start(String name, List<String> command, Path dir, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        return new LoggedProcess(name, p, log);
    }

    /** Waits for a line matching {@code wanted}; fails (with the output so far) on exit or timeout. */
    String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String l = unread.poll(Math.max(0, Math.min(left, TimeUnit.MILLISECONDS.toNanos(250))), TimeUnit.NANOSECONDS);
            if (l != null) {
                if (wanted.test(l)) {
                    return l;
                }
                continue;
            }
            if (!process.isAlive() && unread.isEmpty()) {
                reader.join(1000);
                if (unread.isEmpty()) {
                    throw new IllegalStateException(name + " exited with " + process.exitValue() + " before the expected line:\n" + output());
                }
            } else if (left <= 0) {
                throw new IllegalStateException(name + " did not print the expected line within " + timeout + ":\n" + output());
            }
        }
    }

    /** Waits for the process to exit and its output to be read; returns the exit code, or -1 on timeout. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        reader.join(5000);
        return process.exitValue();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    String output() {
        return String.join("\n", lines);
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        children.forEach(ProcessHandle::destroy);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        for (ProcessHandle c : children) {
            c.onExit().completeOnTimeout(c, 5, TimeUnit.SECONDS).join();
            if (c.isAlive()) {
                c.destroyForcibly();
            }
        }
        reader.join(2000);
    }
}
