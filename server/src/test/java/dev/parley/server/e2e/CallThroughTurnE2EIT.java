package dev.parley.server.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The demo call (web-demo's call.html) between two headless Chromium that cannot reach each other,
 * only Parley's node: each browser in its own network namespace, Parley's jar in a third
 * ({@link NetnsLab}). Whatever connects went through Parley's own TURN relay.
 *
 * <p>One Parley node and one pair of browsers serve all five scenarios (a Node + playwright-core
 * driver, src/test/browser/call-e2e.mjs, reports what each page saw; this class asserts):
 * <ol>
 *   <li>relay-only over TURN/UDP connects: a chat line each way, 30+ video frames decoded; then an
 *       ICE restart from one side renegotiates new ICE credentials and the video goes on; then
 *       client A is cut off from the server (its route deleted) until its page notices and restarts
 *       ICE by itself, and once let back the call recovers on new ICE credentials;</li>
 *   <li>the same over TURN/TCP, with {@code relayProtocol 'tcp'};</li>
 *   <li>without TURN (STUN only) it does not connect;</li>
 *   <li>with a wrong TURN credential the browser gets 401 and does not connect;</li>
 *   <li>three pages (two in one namespace) form a mesh over the relay, then one leaves.</li>
 * </ol>
 * Needs root (network namespaces), iproute2, Chromium, Node 20 and {@code npm ci} in
 * src/test/browser ({@code scripts/ensure-test-deps.sh} does all of it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 170, unit = TimeUnit.SECONDS)
class CallThroughTurnE2EIT {

    private static final Path JAR = Path.of("target", "parley.jar").toAbsolutePath();
    private static final Path LOGS = Path.of("target", "e2e").toAbsolutePath();
    private static final int HTTP_PORT = 8080; // the namespace is ours alone: no collisions
    private static final int MIN_FRAMES = 30;

    private NetnsLab lab;
    private LoggedProcess server;
    private LoggedProcess driver;
    private final Map<String, JsonNode> results = new HashMap<>();

    @BeforeAll
    void callInAllScenarios() throws Exception {
        checkPrerequisites();
        lab = NetnsLab.create();
        List<String> serve = new ArrayList<>(NetnsLab.exec(lab.server));
        serve.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", JAR.toString(), "serve",
                "--bind", NetnsLab.SERVER_IP, "--http-port", String.valueOf(HTTP_PORT),
                "--relay-ip", NetnsLab.SERVER_IP,
                // The relay refuses private ranges by default; these are the test's client subnets and
                // the relay's own address (its own relayed addresses are allowed in any case).
                "--allow-peer", NetnsLab.CLIENT_A_SUBNET, "--allow-peer", NetnsLab.CLIENT_B_SUBNET,
                "--allow-peer", NetnsLab.SERVER_IP + "/32",
                "--drain-timeout", "1s"));
        server = LoggedProcess.start("parley", serve, Path.of("").toAbsolutePath(), LOGS.resolve("parley.log"));
        server.awaitLine(l -> l.contains("ready in"), Duration.ofSeconds(60));

        String base = "http://" + NetnsLab.SERVER_IP + ":" + HTTP_PORT;
        driver = LoggedProcess.start("call-e2e", List.of(Tools.which("node"), "call-e2e.mjs", base, lab.clientA, lab.clientB),
                Tools.BROWSER_DIR, LOGS.resolve("call-e2e.log"));
        int exit = driver.awaitExit(Duration.ofSeconds(120));
        assertEquals(0, exit, "the browser driver failed (log: " + LOGS.resolve("call-e2e.log") + "):\n" + driver.output());
        ObjectMapper json = new ObjectMapper();
        for (String line : driver.lines()) {
            if (line.startsWith("RESULT ")) {
                JsonNode r = json.readTree(line.substring("RESULT ".length()));
                results.put(r.path("scenario").asText(), r);
            }
        }
        Files.writeString(LOGS.resolve("results.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(results),
                StandardCharsets.UTF_8);
    }

    @AfterAll
    void cleanUp() throws InterruptedException {
        try {
            if (driver != null) {
                driver.close();
            }
        } finally {
            try {
                if (server != null) {
                    server.close();
                }
            } finally {
                if (lab != null) {
                    lab.close();
                }
            }
        }
    }

    @Test
    void relayOnlyCallConnectsThroughTurnOverUdp() {
        assertCallThroughRelay(result("relay-udp"), "udp");
    }

    @Test
    void iceRestartRenegotiatesFreshCredentialsAndTheCallGoesOn() {
        JsonNode r = result("relay-udp");
        JsonNode restart = r.path("restart");
        assertTrue(restart.path("ok").asBoolean(), "after restartIce() on A both sides should renegotiate new ICE "
                + "credentials, stay connected and keep decoding frames:\n" + restart.toPrettyString());
        assertTrue(!restart.path("before").path("localUfrag").asText().equals(restart.path("after").path("localUfrag").asText()),
                "A's ICE ufrag changed: " + restart);
        assertEquals(1, restart.path("after").path("restarts").asInt(), "A restarted ICE once: " + restart);
        assertEquals(0, restart.path("afterB").path("restarts").asInt(), "B only answered the restart offer: " + restart);
    }

    @Test
    void afterAnOutageThePageRestartsIceAndTheCallRecovers() {
        JsonNode flap = result("relay-udp").path("flap");
        assertTrue(flap.path("ok").asBoolean(), "client A was cut off from the server until its page restarted ICE, "
                + "then let back: both sides should be connected again on new ICE credentials:\n" + flap.toPrettyString());
    }

    @Test
    void relayOnlyCallConnectsThroughTurnOverTcp() {
        assertCallThroughRelay(result("relay-tcp"), "tcp");
    }

    @Test
    void withoutTurnTheIsolatedBrowsersNeverConnect() {
        JsonNode r = result("no-turn");
        assertFalse(r.path("connected").asBoolean(), "connected without TURN: the namespaces leak\n" + r);
        for (String side : List.of("a", "b")) {
            JsonNode peer = onlyPeer(r, side);
            assertTrue(peer.path("path").isNull() || peer.path("path").isMissingNode(), side + " selected a path: " + peer);
            assertTrue(r.path(side).path("options").path("turn").isBoolean() && !r.path(side).path("options").path("turn").asBoolean(),
                    side + " should have run without TURN: " + r.path(side).path("options"));
        }
    }

    @Test
    void wrongTurnCredentialGets401AndNeverConnects() {
        JsonNode r = result("bad-credential");
        assertFalse(r.path("connected").asBoolean(), "connected with a wrong TURN credential\n" + r);
        for (String side : List.of("a", "b")) {
            JsonNode errors = r.path(side).path("candidateErrors");
            boolean saw401 = false;
            for (JsonNode e : errors) {
                saw401 |= e.path("errorCode").asInt() == 401 && e.path("url").asText().startsWith("turn:");
            }
            assertTrue(saw401, side + " should report icecandidateerror 401 from the TURN server, got " + errors);
            assertFalse("connected".equals(onlyPeer(r, side).path("connectionState").asText()), side + " connected");
        }
    }

    @Test
    void threePagesFormAMeshAndSeeOneLeave() {
        JsonNode r = result("mesh");
        assertTrue(r.path("connected").asBoolean(), "the three-way mesh did not complete:\n" + r.toPrettyString());
        JsonNode pages = r.path("pages");
        assertEquals(3, pages.size());
        for (JsonNode page : pages) {
            String me = page.path("peerId").asText();
            for (JsonNode other : pages) {
                String id = other.path("peerId").asText();
                if (id.equals(me)) {
                    continue;
                }
                JsonNode peer = page.path("peers").path(id);
                assertEquals("connected", peer.path("connectionState").asText(), me + " -> " + id + ": " + peer);
                assertEquals("relay", peer.path("path").path("local").path("candidateType").asText(), me + " -> " + id);
                assertTrue(peer.path("framesDecoded").asInt() >= MIN_FRAMES, me + " <- " + id + " frames: " + peer);
                assertEquals("hello from " + id, peer.path("messages").path(0).asText(), me + " <- " + id);
                // The pair's roles are opposite: exactly one polite side per pair.
                assertTrue(peer.path("polite").asBoolean() != other.path("peers").path(me).path("polite").asBoolean(),
                        "exactly one polite side between " + me + " and " + id);
            }
        }
        assertEquals("[true,true]", r.path("sawLeave").toString(),
                "both remaining pages should see " + r.path("leaver").asText() + " leave and close its connection");
    }

    private void assertCallThroughRelay(JsonNode r, String relayProtocol) {
        assertTrue(r.path("connected").asBoolean(), "the call did not complete:\n" + r.toPrettyString());
        for (String side : List.of("a", "b")) {
            String other = side.equals("a") ? "b" : "a";
            JsonNode peer = onlyPeer(r, side);
            assertEquals("connected", peer.path("connectionState").asText(), side + ": " + peer);
            JsonNode local = peer.path("path").path("local");
            JsonNode remote = peer.path("path").path("remote");
            assertEquals("relay", local.path("candidateType").asText(), side + " local candidate: " + local);
            assertEquals("relay", remote.path("candidateType").asText(), side + " remote candidate: " + remote);
            assertEquals(relayProtocol, local.path("relayProtocol").asText(), side + " reached TURN over: " + local);
            assertEquals(NetnsLab.SERVER_IP, local.path("address").asText(), side + " relayed address: " + local);
            String otherPeerId = r.path(other).path("peerId").asText();
            List<String> messages = new ArrayList<>();
            peer.path("messages").forEach(m -> messages.add(m.asText()));
            assertTrue(messages.contains("hello from " + otherPeerId),
                    side + " should have got the other side's chat line over the data channel: " + messages);
            assertTrue(peer.path("framesDecoded").asInt() >= MIN_FRAMES,
                    side + " decoded " + peer.path("framesDecoded").asInt() + " video frames, want >= " + MIN_FRAMES);
        }
    }

    private JsonNode result(String scenario) {
        JsonNode r = results.get(scenario);
        assertNotNull(r, "no result for scenario " + scenario + "; driver output:\n" + driver.output());
        return r;
    }

    /** The one peer connection a page has in a two-party call. */
    private static JsonNode onlyPeer(JsonNode r, String side) {
        JsonNode peers = r.path(side).path("peers");
        assertEquals(1, peers.size(), side + " should know exactly one peer: " + r.path(side).toPrettyString());
        return peers.elements().next();
    }

    private static void checkPrerequisites() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        id.waitFor(5, TimeUnit.SECONDS);
        if (!"0".equals(uid)) {
            fail("the browser e2e test needs root to create network namespaces (running as uid " + uid
                    + "); run it as root, e.g. in CI, or skip it with -Dit.test='!CallThroughTurn*'");
        }
        Tools.which("ip");
        if (!Files.isExecutable(Path.of(System.getenv().getOrDefault("PARLEY_CHROMIUM", "/usr/bin/chromium")))) {
            fail("Chromium is not installed at /usr/bin/chromium (set PARLEY_CHROMIUM to another path); "
                    + "scripts/ensure-test-deps.sh installs it");
        }
        Tools.which("node");
        Tools.requireNpmPackage("playwright-core");
        assertTrue(Files.isRegularFile(JAR), "the shaded jar should exist after package: " + JAR);
    }
}
