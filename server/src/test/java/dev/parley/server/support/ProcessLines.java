package dev.parley.server.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;

/** Copies a child process's output, line by line, into a queue that tests wait on. */
public final class ProcessLines {

    private ProcessLines() {
    }

    /** Starts a daemon thread that adds each output line of {@code p} to {@code lines} until the process closes it. */
    public static Thread start(Process p, BlockingQueue<String> lines, String threadName) {
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, threadName);
        reader.setDaemon(true);
        reader.start();
        return reader;
    }
}
