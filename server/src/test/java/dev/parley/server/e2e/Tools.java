package dev.parley.server.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the external programs and npm packages the e2e tests need, failing with what to install. */
final class Tools {

    /** The Node project of the browser and client tests (package.json pins its packages). */
    static final Path BROWSER_DIR = Path.of("src", "test", "browser").toAbsolutePath();

    private Tools() {
    }

    static String which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        fail(tool + " is not on PATH; the e2e tests need it (scripts/ensure-test-deps.sh installs it)");
        return null;
    }

    static void requireNpmPackage(String name) {
        if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules").resolve(name))) {
            fail("the npm package " + name + " is not installed in " + BROWSER_DIR
                    + ": run scripts/ensure-test-deps.sh (or `npm ci` in that directory)");
        }
    }
}
