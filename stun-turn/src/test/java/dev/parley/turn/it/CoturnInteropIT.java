package dev.parley.turn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.turn.TurnConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * coturn's own clients against Parley's relay: turnutils_stunclient for Binding, turnutils_uclient for
 * allocations and relaying (UDP/TCP/TLS, ChannelData and Send, long-term and REST credentials, several
 * sessions) with turnutils_peer echoing on 127.0.0.1. Moderate load; zero loss required.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CoturnInteropIT {
    private static TurnFixture turn;
    private static CoturnTools.EchoPeer peer;

    @BeforeAll
    static void start() throws Exception {
        // turnutils_uclient picks channel numbers in RFC 5766's 0x4000-0x7FFF (RFC 8656 narrowed it to 0x4FFF)
        turn = new TurnFixture(TurnConfig.loopback().legacyChannelNumbers(true).build());
        peer = new CoturnTools.EchoPeer();
    }

    @AfterAll
    static void stop() throws Exception {
        if (peer != null) {
            peer.close();
        }
        if (turn != null) {
            turn.close();
        }
    }

    @Test
    void stunclientGetsItsReflexiveAddress() throws Exception {
        String out = CoturnTools.run(List.of("turnutils_stunclient", "-p", Integer.toString(turn.port()), "127.0.0.1"),
                Duration.ofSeconds(30));
        assertTrue(out.contains("UDP reflexive addr: 127.0.0.1:"), out);
    }

    private static CoturnTools.UclientReport uclient(int port, String... flags) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("turnutils_uclient", "-p", Integer.toString(port),
                "-e", "127.0.0.1", "-r", Integer.toString(peer.port)));
        cmd.addAll(List.of(flags));
        cmd.add("127.0.0.1");
        CoturnTools.UclientReport r = CoturnTools.UclientReport.parse(CoturnTools.run(cmd, Duration.ofSeconds(90)));
        return r;
    }

    private static void assertNoLoss(CoturnTools.UclientReport r, long expected) {
        assertEquals(expected, r.sent(), "sent\n" + CoturnTools.tail(r.output()));
        assertEquals(expected, r.received(), "received\n" + CoturnTools.tail(r.output()));
        assertEquals(0, r.lost(), "lost\n" + CoturnTools.tail(r.output()));
    }

    @Test
    void udpChannelDataLongTermSeveralSessions() throws Exception {
        assertNoLoss(uclient(turn.port(), "-u", "user", "-w", "pass", "-m", "5", "-n", "100", "-l", "500", "-c"), 500);
    }

    @Test
    void udpSendIndications() throws Exception {
        assertNoLoss(uclient(turn.port(), "-s", "-u", "user", "-w", "pass", "-m", "5", "-n", "100", "-l", "500", "-c"),
                500);
    }

    @Test
    void udpWithRtcpAllocationsUsesEvenPortAndReservationToken() throws Exception {
        // without -c, uclient asks for EVEN-PORT with the R bit and allocates the odd port by RESERVATION-TOKEN
        CoturnTools.UclientReport r = uclient(turn.port(), "-u", "user", "-w", "pass", "-m", "3", "-n", "50", "-l", "200");
        assertTrue(r.sent() >= 150, CoturnTools.tail(r.output())); // RTCP packets come on top
        assertNoLoss(r, r.sent());
    }

    @Test
    void restApiCredentials() throws Exception {
        assertNoLoss(uclient(turn.port(), "-W", "secret", "-u", "alice", "-m", "5", "-n", "100", "-l", "500", "-c"),
                500);
    }

    @Test
    void tcpChannelDataAndSend() throws Exception {
        assertNoLoss(uclient(turn.port(), "-t", "-u", "user", "-w", "pass", "-m", "5", "-n", "100", "-l", "333", "-c"),
                500);
        assertNoLoss(uclient(turn.port(), "-t", "-s", "-u", "user", "-w", "pass", "-m", "3", "-n", "100", "-l", "333",
                "-c"), 300);
    }

    @Test
    void tlsChannelData() throws Exception {
        assertNoLoss(uclient(turn.tlsPort(), "-t", "-S", "-u", "user", "-w", "pass", "-m", "3", "-n", "100", "-l", "500",
                "-c"), 300);
    }

    @Test
    void wrongRestSecretCannotAllocate() throws Exception {
        String out = CoturnTools.run(List.of("turnutils_uclient", "-p", Integer.toString(turn.port()), "-e", "127.0.0.1",
                "-r", Integer.toString(peer.port), "-W", "not-the-secret", "-u", "alice", "-n", "3", "-c", "127.0.0.1"),
                Duration.ofSeconds(60));
        assertTrue(out.contains("Cannot complete Allocation"), CoturnTools.tail(out));
    }
}
