package dev.parley.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.server.support.ProcessLines;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the jib image tarball (profile {@code image} only: excluded from the default build).
 * Checks the image config (entrypoint, command, ports, non-root user), unpacks the application layers
 * and runs exactly the image's entrypoint class path with this JVM on loopback: /healthz answers and
 * SIGTERM exits 0. Works with any base image, including {@code -Dparley.image.base=scratch} offline.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ImageIT {

    private static final Path TAR = Path.of("target", "jib-image.tar");

    @Test
    void imageRunsTheServer(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(TAR), "no " + TAR.toAbsolutePath() + ": build it with mvn -Pimage -pl server -am verify");
        Path image = dir.resolve("image");
        untar(Files.newInputStream(TAR), image);
        JsonNode manifest = DeployFiles.JSON.readTree(image.resolve("manifest.json").toFile()).get(0);
        JsonNode config = DeployFiles.JSON.readTree(image.resolve(manifest.path("Config").asText()).toFile()).path("config");
        assertEquals("[\"java\",\"-cp\",\"@/app/jib-classpath-file\",\"dev.parley.server.Main\"]", config.path("Entrypoint").toString());
        assertEquals("[\"serve\"]", config.path("Cmd").toString());
        for (String port : List.of("8080/tcp", "3478/udp", "3478/tcp", "5349/tcp")) {
            assertTrue(config.path("ExposedPorts").has(port), "exposes " + port);
        }
        assertEquals("10001:10001", config.path("User").asText(), "runs as a non-root user");

        Path root = dir.resolve("rootfs");
        for (JsonNode layer : manifest.path("Layers")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(image.resolve(layer.asText())))) {
                untar(in, root);
            }
        }
        // The image's class path, re-rooted under the unpacked layers.
        List<String> cp = new ArrayList<>();
        for (String e : Files.readString(root.resolve("app/jib-classpath-file")).strip().split(":")) {
            Path p = root.resolve(e.substring(1));
            assertTrue(Files.exists(p), "class path entry missing from the image: " + e);
            cp.add(p.toString());
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                String.join(":", cp), Files.readString(root.resolve("app/jib-main-class-file")).strip(), "serve",
                "--bind", "127.0.0.1", "--http-port", "0", "--turn-port", "0", "--turns-port", "0",
                "--relay-ip", "127.0.0.1", "--drain-timeout", "2s").redirectErrorStream(true).start();
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = ProcessLines.start(p, lines, "image-output");
            String url = null;
            StringBuilder seen = new StringBuilder();
            while (url == null) {
                String l = lines.poll(60, TimeUnit.SECONDS);
                assertTrue(l != null, "the image's server did not get ready:\n" + seen);
                seen.append(l).append('\n');
                if (l.contains("ready in") && l.contains("http://")) {
                    url = l.substring(l.indexOf("http://")).trim();
                }
            }
            HttpResponse<String> h = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "healthz")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, h.statusCode());
            p.destroy();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "exits on SIGTERM");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }

    /** A minimal ustar/pax reader: regular files and directories (all the layers here contain). */
    private static void untar(InputStream in, Path into) throws IOException {
        Files.createDirectories(into);
        byte[] header = new byte[512];
        String paxPath = null;
        while (in.readNBytes(header, 0, 512) == 512) {
            if (header[0] == 0) {
                return;
            }
            String name = cString(header, 0, 100);
            String prefix = cString(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            long size = Long.parseLong(cString(header, 124, 12).trim().isEmpty() ? "0" : cString(header, 124, 12).trim(), 8);
            char type = (char) header[156];
            byte[] data = in.readNBytes((int) size);
            in.skipNBytes((512 - size % 512) % 512);
            if (type == 'x') {
                for (String rec : new String(data, StandardCharsets.UTF_8).split("\n")) {
                    int sp = rec.indexOf(' ');
                    if (sp > 0 && rec.substring(sp + 1).startsWith("path=")) {
                        paxPath = rec.substring(sp + 1 + 5);
                    }
                }
                continue;
            }
            if (paxPath != null) {
                name = paxPath;
                paxPath = null;
            }
            Path target = into.resolve(name.startsWith("/") ? name.substring(1) : name).normalize();
            assertTrue(target.startsWith(into), "tar entry escapes: " + name);
            if (type == '5' || name.endsWith("/")) {
                Files.createDirectories(target);
            } else if (type == '0' || type == 0) {
                Files.createDirectories(target.getParent());
                Files.write(target, data);
            }
        }
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }
}
