package dev.parley.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.server.ParleyNode;
import dev.parley.server.config.ParleyConfig;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every metric the Grafana dashboard queries exists: JVM, process and Jetty metrics in a live node's
 * /metrics; a module's parley_* metrics in the live scrape or, while the module is not wired into the
 * node yet, as a meter name in the module's compiled classes. A dashboard metric of a module whose
 * code has no meters at all yet is reported (and cannot be checked).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardIT {

    @Test
    void everyDashboardMetricExists() throws Exception {
        Set<String> wanted = DashboardMetrics.names(DeployFiles.JSON.readTree(DeployFiles.DASHBOARD.toFile()));
        Set<String> scraped = scrape();
        Set<String> meterNames = meterNamesInParleyClasses();

        List<String> missing = new ArrayList<>();
        Set<String> unverifiable = new TreeSet<>();
        for (String name : wanted) {
            if (scraped.contains(name)) {
                continue;
            }
            if (!name.startsWith("parley_")) {
                missing.add(name + " (not in a node's /metrics)");
                continue;
            }
            String module = name.split("_")[1];
            String meter = name.replaceFirst("_total$", "").replace('_', '.');
            boolean moduleHasMeters = meterNames.stream().anyMatch(m -> m.startsWith("parley." + module + "."));
            if (meterNames.contains(meter)) {
                continue;
            }
            if (moduleHasMeters) {
                missing.add(name + " (module " + module + " registers no meter '" + meter + "')");
            } else {
                unverifiable.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "dashboard queries metrics that do not exist: " + missing);
        if (!unverifiable.isEmpty()) {
            System.out.println("DashboardIT: modules without meters in this build, not checked: " + unverifiable);
        }
        assertTrue(wanted.stream().filter(n -> !n.startsWith("parley_")).count() >= 10, "JVM/Jetty panels: " + wanted);
    }

    private static Set<String> scrape() throws Exception {
        try (ParleyNode n = new ParleyNode(ParleyConfig.parse(List.of("serve", "--bind", "127.0.0.1", "--http-port", "0",
                "--turn-port", "0", "--turns-port", "0", "--relay-ip", "127.0.0.1"), Map.of()))) {
            n.start();
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + n.httpAddress().getPort());
            // one request first, so that the request timer has a sample
            http.send(HttpRequest.newBuilder(base.resolve("/healthz")).build(), HttpResponse.BodyHandlers.discarding());
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            Set<String> names = new TreeSet<>();
            r.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .forEach(l -> names.add(l.split("[{ ]")[0]));
            return names;
        }
    }

    /** "parley.x.y" string constants in the compiled classes of dev.parley.* on the test classpath. */
    private static Set<String> meterNamesInParleyClasses() throws IOException {
        Set<String> out = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) && Files.isDirectory(p.resolve("dev/parley"))) {
                try (Stream<Path> s = Files.walk(p.resolve("dev/parley"))) {
                    for (Path c : s.filter(f -> f.toString().endsWith(".class")).toList()) {
                        constants(Files.readAllBytes(c), out);
                    }
                }
            } else if (p.getFileName() != null && p.getFileName().toString().startsWith("parley-")
                    && p.toString().endsWith(".jar") && Files.isRegularFile(p)) {
                try (ZipFile z = new ZipFile(p.toFile())) {
                    for (var e : z.stream().filter(e -> e.getName().startsWith("dev/parley/") && e.getName().endsWith(".class")).toList()) {
                        try (InputStream in = z.getInputStream(e)) {
                            constants(in.readAllBytes(), out);
                        }
                    }
                }
            }
        }
        return out;
    }

    private static void constants(byte[] classFile, Set<String> out) {
        String s = new String(classFile, StandardCharsets.ISO_8859_1);
        var m = java.util.regex.Pattern.compile("parley\\.[a-z]+(?:\\.[a-z0-9]+)+").matcher(s);
        while (m.find()) {
            out.add(m.group());
        }
    }
}
