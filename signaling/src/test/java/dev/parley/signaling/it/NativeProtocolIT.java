package dev.parley.signaling.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.signaling.SignalingConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The native protocol of PROTOCOL.md against a real Jetty on 127.0.0.1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NativeProtocolIT extends ServerFixture {

    private static String join(String room) {
        return "{\"t\":\"join\",\"room\":\"" + room + "\",\"meta\":{\"name\":\"x\"}}";
    }

    @Test
    void welcomeCarriesSessionResumeTokenLimitsAndTurnRestCredentials() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = connect()) {
            JsonNode w = a.hello();
            assertFalse(w.path("sessionId").asText().isEmpty());
            assertFalse(w.path("peerId").asText().isEmpty());
            assertTrue(w.path("resumeToken").asText().length() >= 20);
            assertEquals(20_000, w.path("heartbeatMs").asLong());
            assertEquals(60_000, w.path("resumeGraceMs").asLong());
            assertFalse(w.path("resumed").asBoolean());
            assertEquals(65536, w.path("limits").path("maxFrameBytes").asInt());
            JsonNode ice = w.path("iceServers");
            assertEquals("stun:127.0.0.1:3478", ice.get(0).path("urls").get(0).asText());
            JsonNode turn = ice.get(1);
            assertEquals(3, turn.path("urls").size());
            String username = turn.path("username").asText();
            long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
            assertEquals(w.path("userId").asText(), username.substring(username.indexOf(':') + 1));
            assertEquals(expiry * 1000, w.path("iceExpiresAt").asLong());
            assertTrue(expiry > Instant.now().getEpochSecond() + 3500);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(TestServer.TURN_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            assertEquals(Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8))),
                    turn.path("credential").asText());
        }
    }

    @Test
    void joinRosterPoliteFlagsSignalRelayWithFromAndSeqAndLeave() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = connect(); RecordingClient b = connect()) {
            String pa = a.hello().path("peerId").asText();
            String pb = b.hello().path("peerId").asText();
            a.send(join("r1"));
            JsonNode ja = a.expect("joined");
            assertEquals(1, ja.path("seq").asLong());
            assertEquals(0, ja.path("peers").size());
            b.send(join("r1"));
            JsonNode jb = b.expect("joined");
            assertEquals(1, jb.path("peers").size());
            JsonNode entry = jb.path("peers").get(0);
            assertEquals(pa, entry.path("peerId").asText());
            assertEquals("x", entry.path("meta").path("name").asText());
            JsonNode pj = a.expect("peer-joined");
            assertEquals(pb, pj.path("peerId").asText());
            assertEquals(2, pj.path("seq").asLong());
            // exactly one side of the pair is polite
            assertNotEquals(entry.path("polite").asBoolean(), pj.path("polite").asBoolean());

            b.send("{\"t\":\"signal\",\"to\":\"" + pa + "\",\"kind\":\"offer\",\"data\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}");
            JsonNode offer = a.expect("signal");
            assertEquals(pb, offer.path("from").asText());
            assertEquals("offer", offer.path("kind").asText());
            assertEquals("v=0", offer.path("data").path("sdp").asText());
            assertEquals(3, offer.path("seq").asLong());
            a.send("{\"t\":\"signal\",\"to\":\"" + pb + "\",\"kind\":\"answer\",\"data\":{\"type\":\"answer\",\"sdp\":\"v=0 a\"}}");
            assertEquals("answer", b.expect("signal").path("kind").asText());
            a.send("{\"t\":\"signal\",\"to\":\"" + pb + "\",\"kind\":\"candidate\",\"data\":{\"candidate\":\"candidate:1 1 udp 1 1.2.3.4 5 typ host\",\"sdpMid\":\"0\"}}");
            assertEquals("candidate", b.expect("signal").path("kind").asText());
            a.send("{\"t\":\"signal\",\"to\":\"" + pb + "\",\"kind\":\"end-of-candidates\"}");
            assertEquals("end-of-candidates", b.expect("signal").path("kind").asText());
            a.send("{\"t\":\"signal\",\"to\":\"" + pb + "\",\"kind\":\"restart\"}");
            JsonNode restart = b.expect("signal");
            assertEquals("restart", restart.path("kind").asText());
            assertEquals(5, restart.path("seq").asLong()); // joined, answer, candidate, end-of-candidates, restart

            a.send("{\"t\":\"relay\",\"room\":\"r1\",\"ch\":\"cursor\",\"d\":{\"x\":1}}");
            JsonNode relay = b.expect("relay");
            assertEquals(pa, relay.path("from").asText());
            assertEquals(1, relay.path("d").path("x").asInt());

            b.send("{\"t\":\"leave\",\"room\":\"r1\"}");
            assertEquals("left", b.expect("left").path("reason").asText());
            JsonNode left = a.expect("peer-left");
            assertEquals(pb, left.path("peerId").asText());
            assertEquals("left", left.path("reason").asText());

            a.send("{\"t\":\"signal\",\"to\":\"" + pb + "\",\"kind\":\"end-of-candidates\"}");
            JsonNode gone = a.expect("error");
            assertEquals("peer-gone", gone.path("code").asText());
            assertFalse(gone.path("fatal").asBoolean());
            a.send("{\"t\":\"signal\",\"to\":\"nobody\",\"kind\":\"end-of-candidates\"}");
            assertEquals("peer-gone", a.expect("error").path("code").asText());
        }
    }

    @Test
    void badInputGetsAnErrorAndTheConnectionStays() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = connect()) {
            a.send("{\"t\":\"join\",\"room\":\"r\"}");
            assertEquals("hello-required", a.expect("error").path("code").asText());
            a.hello();
            a.send("{not json");
            assertEquals("bad-json", a.expect("error").path("code").asText());
            a.send("[1,2]");
            assertEquals("bad-json", a.expect("error").path("code").asText());
            a.send("{\"t\":\"teleport\"}");
            assertEquals("unknown-type", a.expect("error").path("code").asText());
            a.send("{\"t\":\"join\"}");
            JsonNode missing = a.expect("error");
            assertEquals("missing-field", missing.path("code").asText());
            assertEquals("join", missing.path("ref").asText(), missing.toString());
            a.send("{\"t\":\"signal\",\"to\":\"p\",\"kind\":\"offer\"}");
            assertEquals("missing-field", a.expect("error").path("code").asText());
            a.send("{\"t\":\"signal\",\"to\":\"p\",\"kind\":\"smoke\"}");
            assertEquals("bad-field", a.expect("error").path("code").asText());
            a.send("{\"t\":\"join\",\"room\":42}");
            assertEquals("bad-field", a.expect("error").path("code").asText());
            a.send("{\"t\":\"hello\"}");
            assertEquals("already-hello", a.expect("error").path("code").asText());
            a.sendBinary(new byte[]{0, 50, 1});
            assertEquals("bad-field", a.expect("error").path("code").asText());
            a.send("{\"t\":\"leave\",\"room\":\"nope\"}");
            assertEquals("not-in-room", a.expect("error").path("code").asText());
            a.send("{\"t\":\"ping\",\"id\":7}");
            assertEquals(7, a.expect("pong").path("id").asInt());
            assertFalse(a.closed.isDone());
        }
        assertTrue(server.counter("parley.signaling.errors", "code", "bad-json") >= 2);
    }

    @Test
    void resumeWithinGraceReplaysEveryMissedMessageInOrder() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = connect()) {
            RecordingClient b = connect();
            String pa = a.hello().path("peerId").asText();
            JsonNode wb = b.hello();
            String pb = wb.path("peerId").asText();
            a.send(join("r"));
            a.expect("joined");
            b.send(join("r"));
            long lastSeq = b.expect("joined").path("seq").asLong();
            a.expect("peer-joined");
            b.drop();
            b.awaitClose();
            // a keeps talking to b while b is away; they are numbered and buffered
            for (int i = 0; i < 5; i++) {
                a.send("{\"t\":\"signal\",\"to\":\"" + pb + "\",\"kind\":\"candidate\",\"data\":{\"i\":" + i + "}}");
            }
            a.send("{\"t\":\"relay\",\"room\":\"r\",\"ch\":\"doc\",\"d\":\"u1\"}");
            a.send("{\"t\":\"ping\",\"id\":\"sync\"}");
            a.expect("pong"); // all of a's messages were handled

            try (RecordingClient b2 = connect()) {
                b2.send("{\"t\":\"hello\",\"resume\":{\"sessionId\":\"" + wb.path("sessionId").asText()
                        + "\",\"resumeToken\":\"" + wb.path("resumeToken").asText() + "\",\"lastSeq\":" + lastSeq + "}}");
                JsonNode w2 = b2.expect("welcome");
                assertTrue(w2.path("resumed").asBoolean());
                assertEquals(pb, w2.path("peerId").asText());
                for (int i = 0; i < 5; i++) {
                    JsonNode s = b2.expect("signal");
                    assertEquals(lastSeq + 1 + i, s.path("seq").asLong());
                    assertEquals(i, s.path("data").path("i").asInt());
                    assertEquals(pa, s.path("from").asText());
                }
                JsonNode r = b2.expect("relay");
                assertEquals(lastSeq + 6, r.path("seq").asLong());
                // live traffic continues after the replay, and a never saw b leave
                a.send("{\"t\":\"signal\",\"to\":\"" + pb + "\",\"kind\":\"end-of-candidates\"}");
                assertEquals(lastSeq + 7, b2.expect("signal").path("seq").asLong());
                a.send("{\"t\":\"ping\"}");
                a.expect("pong");
                assertTrue(a.messages.isEmpty(), "a saw " + a.messages);
            }
        }
        assertEquals(1.0, server.counter("parley.signaling.resumes", "outcome", "succeeded"));
    }

    @Test
    void afterGraceTheSessionEndsOthersSeeLeaveAndResumeStartsACleanSession() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults().withResumeGrace(Duration.ofMillis(300)));
        try (RecordingClient a = connect()) {
            RecordingClient b = connect();
            a.hello();
            JsonNode wb = b.hello();
            String pb = wb.path("peerId").asText();
            a.send(join("r"));
            a.expect("joined");
            b.send(join("r"));
            b.expect("joined");
            a.expect("peer-joined");
            b.drop();
            JsonNode left = a.expect("peer-left");
            assertEquals(pb, left.path("peerId").asText());
            assertEquals("timeout", left.path("reason").asText());
            try (RecordingClient b2 = connect()) {
                b2.send("{\"t\":\"hello\",\"resume\":{\"sessionId\":\"" + wb.path("sessionId").asText()
                        + "\",\"resumeToken\":\"" + wb.path("resumeToken").asText() + "\",\"lastSeq\":1}}");
                JsonNode err = b2.expect("error");
                assertEquals("resume-failed", err.path("code").asText());
                assertFalse(err.path("fatal").asBoolean());
                JsonNode w2 = b2.expect("welcome");
                assertFalse(w2.path("resumed").asBoolean());
                assertNotEquals(pb, w2.path("peerId").asText());
                b2.send(join("r"));
                assertEquals(1, b2.expect("joined").path("peers").size());
                assertEquals(w2.path("peerId").asText(), a.expect("peer-joined").path("peerId").asText());
            }
        }
        assertEquals(1.0, server.counter("parley.signaling.resumes", "outcome", "failed"));
    }

    @Test
    void wrongResumeTokenIsRefused() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = connect(); RecordingClient b = connect()) {
            JsonNode wa = a.hello();
            b.send("{\"t\":\"hello\",\"resume\":{\"sessionId\":\"" + wa.path("sessionId").asText()
                    + "\",\"resumeToken\":\"guess\",\"lastSeq\":0}}");
            assertEquals("resume-failed", b.expect("error").path("code").asText());
            assertNotEquals(wa.path("peerId").asText(), b.expect("welcome").path("peerId").asText());
            a.send("{\"t\":\"ping\"}");
            a.expect("pong"); // the real owner was not disturbed
        }
    }

    @Test
    void byeEndsTheSessionAtOnce() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = connect(); RecordingClient b = connect()) {
            a.hello();
            String pb = b.hello().path("peerId").asText();
            a.send(join("r"));
            a.expect("joined");
            b.send(join("r"));
            b.expect("joined");
            a.expect("peer-joined");
            b.send("{\"t\":\"bye\"}");
            assertEquals(1000, b.awaitClose());
            JsonNode left = a.expect("peer-left");
            assertEquals(pb, left.path("peerId").asText());
            assertEquals("bye", left.path("reason").asText());
        }
    }

    @Test
    void relaysTextAndBinaryInOneRoomOrder() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = connect(); RecordingClient b = connect(); RecordingClient c = connect()) {
            String pa = a.hello().path("peerId").asText();
            b.hello();
            String pc = c.hello().path("peerId").asText();
            for (RecordingClient x : new RecordingClient[]{a, b, c}) {
                x.send(join("doc"));
                x.await("joined");
            }
            byte[] header = "{\"t\":\"relay\",\"room\":\"doc\",\"ch\":\"y\"}".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 20; i++) {
                if (i % 2 == 0) {
                    a.send("{\"t\":\"relay\",\"room\":\"doc\",\"ch\":\"y\",\"d\":" + i + "}");
                } else {
                    ByteBuffer f = ByteBuffer.allocate(2 + header.length + 1);
                    f.putShort((short) header.length).put(header).put((byte) i);
                    a.sendBinary(f.array());
                }
            }
            // directed relay reaches only its target
            a.send("{\"t\":\"relay\",\"room\":\"doc\",\"to\":\"" + pc + "\",\"ch\":\"y\",\"d\":\"only-c\"}");
            for (RecordingClient x : new RecordingClient[]{b, c}) {
                long prevSeq = 0;
                int texts = 0;
                for (int i = 0; i < 20; i += 2) {
                    JsonNode m = x.await("relay");
                    assertEquals(i, m.path("d").asInt());
                    assertEquals(pa, m.path("from").asText());
                    assertTrue(m.path("seq").asLong() > prevSeq);
                    prevSeq = m.path("seq").asLong();
                    texts++;
                }
                assertEquals(10, texts);
                for (int i = 1; i < 20; i += 2) {
                    byte[] bin = x.binaries.poll(10, TimeUnit.SECONDS);
                    ByteBuffer bb = ByteBuffer.wrap(bin);
                    int hl = bb.getShort();
                    JsonNode h = RecordingClient.JSON.readTree(new String(bin, 2, hl, StandardCharsets.UTF_8));
                    assertEquals(pa, h.path("from").asText());
                    assertEquals("y", h.path("ch").asText());
                    assertEquals(i, bin[2 + hl]);
                }
            }
            assertEquals("only-c", c.await("relay").path("d").asText());
            a.send("{\"t\":\"ping\"}");
            a.await("pong");
            b.send("{\"t\":\"ping\"}");
            b.expect("pong");
            assertTrue(b.messages.isEmpty(), "b got " + b.messages);
        }
    }

    @Test
    void deadConnectionIsRemovedWithinTwoHeartbeats() throws Exception {
        Duration hb = Duration.ofMillis(500);
        server = TestServer.devMode(SignalingConfig.defaults().withHeartbeat(hb).withResumeGrace(Duration.ofMillis(100)));
        try (RecordingClient a = connect()) {
            RecordingClient dead = connect();
            a.hello();
            String pd = dead.hello().path("peerId").asText();
            a.send(join("r"));
            a.expect("joined");
            dead.send(join("r"));
            dead.expect("joined");
            a.expect("peer-joined");
            dead.stopReading(); // no more reads: no pongs, like a vanished laptop
            long t0 = System.nanoTime();
            // a answers pings automatically and stays; the dead one goes
            JsonNode left = a.await(m -> "peer-left".equals(m.path("t").asText()), Duration.ofSeconds(10), "peer-left");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(pd, left.path("peerId").asText());
            assertTrue(ms < 2 * hb.toMillis() + 100 + 2000, "took " + ms + " ms");
            a.send("{\"t\":\"ping\"}");
            a.await("pong");
            dead.drop();
        }
    }

    @Test
    void iceServersArePushedAgainBeforeTheyExpire() throws Exception {
        server = new TestServer(SignalingConfig.defaults().withHeartbeat(Duration.ofMillis(400)),
                dev.parley.auth.TokenVerifier.devMode(), dev.parley.auth.OriginPolicy.of(java.util.List.of()),
                TestServer.ice(Duration.ofSeconds(3)));
        try (RecordingClient a = connect()) {
            JsonNode w = a.hello();
            long exp = w.path("iceExpiresAt").asLong();
            JsonNode update = a.await(m -> "ice-servers".equals(m.path("t").asText()), Duration.ofSeconds(10), "ice-servers");
            assertTrue(update.path("iceExpiresAt").asLong() > exp - 1000);
            assertTrue(System.currentTimeMillis() < exp, "refresh came after expiry");
            a.send("{\"t\":\"ice-servers\"}");
            assertEquals(2, a.await("ice-servers").path("iceServers").size());
        }
    }

    @Test
    void shutdownGracefullyWaitsForEveryConnectionToGo() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        RecordingClient a = connect();
        RecordingClient y = RecordingClient.connect(client, server.ws("/compat/y-webrtc"));
        a.hello();
        assertTrue(server.service.shutdownGracefully(Duration.ofSeconds(10)));
        assertEquals(1012, a.awaitClose());
        assertEquals(1012, y.awaitClose());
    }

    @Test
    void drainSaysByeReconnectAndCloses1012() throws Exception {
        server = TestServer.devMode(SignalingConfig.defaults());
        try (RecordingClient a = connect()) {
            a.hello();
            server.service.drain();
            JsonNode bye = a.expect("bye");
            assertEquals("reconnect", bye.path("action").asText());
            assertEquals(1012, a.awaitClose());
            assertFalse(server.service.isReady());
        }
    }
}
