package dev.parley.server.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Finds and reads the files under {@code deploy/} (the tests run with the server module as working directory). */
final class DeployFiles {

    static final Path ROOT = locateRoot();
    static final Path DEPLOY = ROOT.resolve("deploy");
    static final Path NGINX_TEMPLATE = DEPLOY.resolve("compose/nginx/parley.conf.template");
    static final Path NGINX_TLS_TEMPLATE = DEPLOY.resolve("compose/nginx/parley-tls.conf.template");
    static final Path NGINX_LOCATIONS = DEPLOY.resolve("compose/nginx/parley-locations.conf");
    static final Path COMPOSE = DEPLOY.resolve("compose/compose.yaml");
    static final Path COMPOSE_TLS = DEPLOY.resolve("compose/compose.tls.yaml");
    static final Path K8S = DEPLOY.resolve("k8s");
    static final Path SYSTEMD = DEPLOY.resolve("systemd");
    static final Path DASHBOARD = DEPLOY.resolve("grafana/parley-dashboard.json");

    static final ObjectMapper JSON = new ObjectMapper();

    /** Only {@code ${PARLEY_*}} placeholders are substituted (like envsubst with a variable list). */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(PARLEY_[A-Z0-9_]+)}");

    private DeployFiles() {
    }

    private static Path locateRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
            if (Files.isDirectory(q.resolve("deploy")) && Files.isRegularFile(q.resolve("pom.xml"))) {
                return q;
            }
        }
        throw new IllegalStateException("no deploy/ directory above " + p);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ": " + e, e);
        }
    }

    /**
     * Every YAML document of a (multi-document) file, parsed by SnakeYAML (YAML 1.1 like Kubernetes'
     * and Compose's parsers: anchors, aliases and {@code <<} merge keys resolved, duplicate keys rejected).
     */
    static List<JsonNode> yamlDocuments(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        List<JsonNode> docs = new ArrayList<>();
        try {
            for (Object doc : new Yaml(new SafeConstructor(options)).loadAll(read(file))) {
                if (doc != null) {
                    docs.add(JSON.valueToTree(doc));
                }
            }
        } catch (RuntimeException e) {
            fail(file + " is not valid YAML: " + e.getMessage());
        }
        return docs;
    }

    /** The ${PARLEY_*} placeholders a template uses. */
    static TreeSet<String> placeholders(String template) {
        TreeSet<String> names = new TreeSet<>();
        Matcher m = PLACEHOLDER.matcher(template);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Renders a template; every placeholder must have a value. */
    static String render(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = values.get(m.group(1));
            assertTrue(v != null, "no value for ${" + m.group(1) + "} in the template");
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The nginx service's environment in a compose file (what the nginx image substitutes). */
    static Map<String, String> composeNginxEnvironment(Path composeFile) {
        JsonNode env = yamlDocuments(composeFile).get(0).path("services").path("nginx").path("environment");
        Map<String, String> out = new LinkedHashMap<>();
        env.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    /** A tool the tests need, looked up in PATH and the sbin directories; a clear failure when it is missing. */
    static Path tool(String name, String debianPackage) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/sbin", "/usr/local/sbin", "/usr/bin", "/bin"));
        for (String d : dirs) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError("'" + name + "' is not installed: run scripts/ensure-test-deps.sh (Debian: apt-get install "
                + debianPackage + ")");
    }
}
