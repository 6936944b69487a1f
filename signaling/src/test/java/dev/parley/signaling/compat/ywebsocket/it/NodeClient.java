package dev.parley.signaling.compat.ywebsocket.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs src/test/node-ywebsocket/test.mjs (the unmodified npm y-websocket client) with Node.
 * Fails with a clear message when node/npm are missing; runs {@code npm ci} when node_modules is.
 */
final class NodeClient {

    static final Path DIR = Path.of("src/test/node-ywebsocket").toAbsolutePath();

    record Result(int exit, String output) { }

    private NodeClient() {
    }

    static synchronized void ensureInstalled() throws Exception {
        String node = RedisFixture.findOnPath("node");
        String npm = RedisFixture.findOnPath("npm");
        if (node == null || npm == null) {
            throw new IllegalStateException("node and npm are required for the y-websocket client tests "
                    + "(Debian: apt-get install -y nodejs npm); scripts/ensure-test-deps.sh installs them");
        }
        if (!Files.isDirectory(DIR.resolve("node_modules/y-websocket"))) {
            Result r = run(List.of(npm, "ci", "--no-audit", "--no-fund"), 300);
            if (r.exit() != 0 || !Files.isDirectory(DIR.resolve("node_modules/y-websocket"))) {
                throw new IllegalStateException("npm ci failed in " + DIR + " (run scripts/ensure-test-deps.sh):\n" + r.output());
            }
        }
    }

    static Result scenario(String scenario, String url, String... args) throws Exception {
        ensureInstalled();
        List<String> cmd = new ArrayList<>(List.of(RedisFixture.findOnPath("node"), "test.mjs", scenario, url));
        cmd.addAll(List.of(args));
        return run(cmd, 60);
    }

    private static Result run(List<String> cmd, int timeoutSeconds) throws IOException, InterruptedException {
        File out = File.createTempFile("ywebsocket-node", ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectErrorStream(true)
                    .redirectOutput(out).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return new Result(-1, "timed out after " + timeoutSeconds + " s:\n" + Files.readString(out.toPath(), StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }
}
