package dev.parley.turn.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * coturn's client tools as independent TURN clients. A missing tool fails the test with a clear
 * message (install the Debian package {@code coturn}); it never skips silently.
 */
final class CoturnTools {
    private CoturnTools() {
    }

    static String require(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(dir, tool);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        fail("coturn tool '" + tool + "' not found on PATH: install the 'coturn' package (apt-get install -y coturn)");
        throw new IllegalStateException("unreachable");
    }

    /** Runs a tool to completion (killed after {@code timeout}) and returns stdout+stderr. */
    static String run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        cmd.set(0, require(cmd.get(0)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        var out = new java.io.ByteArrayOutputStream();
        Thread pump = new Thread(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException e) {
                // process ended
            }
        });
        pump.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            pump.join(5000);
            fail(String.join(" ", command) + " did not finish in " + timeout + ":\n" + tail(out.toString(StandardCharsets.UTF_8)));
        }
        pump.join(5000);
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A UDP echo peer ({@code turnutils_peer}) on 127.0.0.1; close() kills it. */
    static final class EchoPeer implements AutoCloseable {
        final int port;
        private final Process process;

        EchoPeer() throws IOException {
            try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                port = probe.getLocalPort();
            }
            process = new ProcessBuilder(require("turnutils_peer"), "-L", "127.0.0.1", "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** What turnutils_uclient printed at the end of a run. */
    record UclientReport(long sent, long received, long lost, double avgRttMs, String output) {
        private static final Pattern TOTALS = Pattern.compile("tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)\\s*$",
                Pattern.MULTILINE);
        private static final Pattern LOST = Pattern.compile("Total lost packets (\\d+)");
        private static final Pattern RTT = Pattern.compile("Average round trip delay ([0-9.]+) ms");

        static UclientReport parse(String out) {
            Matcher t = TOTALS.matcher(out);
            Matcher l = LOST.matcher(out);
            Matcher r = RTT.matcher(out);
            if (!t.find() || !l.find() || !r.find()) {
                fail("could not parse turnutils_uclient output:\n" + tail(out));
            }
            return new UclientReport(Long.parseLong(t.group(1)), Long.parseLong(t.group(2)),
                    Long.parseLong(l.group(1)), Double.parseDouble(r.group(1)), out);
        }
    }

    static String tail(String s) {
        return s.length() <= 4000 ? s : "..." + s.substring(s.length() - 4000);
    }
}
