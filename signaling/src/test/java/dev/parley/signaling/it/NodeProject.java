package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the Node test project in src/test/node: finds node and npm, runs {@code npm ci} once, runs a script. */
final class NodeProject {

    static final Path DIR = Path.of("src", "test", "node").toAbsolutePath();

    record Result(int exit, String output) { }

    private NodeProject() {
    }

    static String which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        fail(tool + " is not installed (need Node 20+ and npm on PATH to run the npm-client compatibility tests)");
        return null;
    }

    static synchronized void ensureInstalled() throws IOException, InterruptedException {
        String npm = which("npm");
        if (Files.isDirectory(DIR.resolve("node_modules"))) {
            return;
        }
        Result r = run(List.of(npm, "ci", "--no-audit", "--no-fund"), 180);
        if (r.exit() != 0) {
            fail("npm ci failed in " + DIR + ":\n" + r.output());
        }
    }

    static Result node(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        ensureInstalled();
        List<String> cmd = new ArrayList<>();
        cmd.add(which("node"));
        cmd.addAll(List.of(args));
        return run(cmd, timeoutSeconds);
    }

    private static Result run(List<String> cmd, long timeoutSeconds) throws IOException, InterruptedException {
        Path log = Files.createTempFile("parley-node", ".log");
        try {
            Process p = new ProcessBuilder(cmd).directory(DIR.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
