package dev.parley.turn.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.parley.turn.TurnConfig;
import dev.parley.turn.auth.StaticUsers;
import dev.parley.turn.it.StunTestClient;
import dev.parley.turn.proto.StunCodec;
import dev.parley.turn.server.TurnMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Per-client connected UDP sockets, on real sockets: a client that relays moves to a socket of its own
 * (its datagrams stop arriving on the shared listener), replies still come from the listener's address,
 * STUN requests on the new socket keep the same five-tuple; idle allocations get no socket; when no socket
 * can be opened or the limit is reached the client stays on the listener; every socket is closed when its
 * allocation ends (Refresh 0, expiry, server stop), counted in /proc/self/fd.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectedUdpIT {
    private static final int CHANNEL = 0x4000;
    private static final int SIZE = 100;

    /** The latest runtime's meters (a registry keeps the first meter registered under a name). */
    private SimpleMeterRegistry registry;

    private TurnRuntime start(ConnectedUdp connectedUdp) throws IOException {
        registry = new SimpleMeterRegistry();
        return TurnRuntime.start(TurnConfig.loopback().turnsPort(-1).build(), new TurnMetrics(registry),
                new StaticUsers(Map.of("user", "pass")), null, Clock.systemUTC(), connectedUdp);
    }

    @Test
    void aRelayingClientMovesToItsOwnSocketAndBackWhenItsAllocationEnds() throws Exception {
        ConnectedUdp host = ConnectedUdp.forThisHost();
        assumeTrue(host.enabled(), "needs Linux 6.13 or later");
        try (TurnRuntime rt = start(host);
             StunTestClient client = new StunTestClient(rt.udpAddress());
             DatagramSocket peer = peer()) {
            allocateAndBind(client, peer);
            binding(client, rt);
            assertEquals(0, active(), "an allocation that has not relayed has no socket of its own");

            roundTrips(client, peer, rt.udpAddress(), 1); // relayed through the listener, then promoted
            binding(client, rt);
            assertEquals(1, active());
            assertEquals(1, promotions("opened"));
            double listenerBefore = datagrams("listener");
            double connectedBefore = datagrams("connected");
            roundTrips(client, peer, rt.udpAddress(), 200);
            binding(client, rt);
            assertEquals(listenerBefore, datagrams("listener"), "nothing more from this client on the listener");
            assertTrue(datagrams("connected") >= connectedBefore + 201, "ChannelData and Binding on its own socket");

            // same five-tuple, same allocation: a second Allocate on it is 437 Allocation Mismatch
            assertEquals(437, StunTestClient.errorCode(
                    client.authed(MessageFactory.createAllocateRequest((byte) 17, false))));
            // Refresh 0 arrives on the connected socket, deletes the allocation and closes the socket; the
            // answer goes out through the listener
            assertEquals(0x0104, client.authed(MessageFactory.createRefreshRequest(0)).frame().messageType());
            binding(client, rt);
            assertEquals(0, active());

            // a new allocation on the same five-tuple relays and is promoted again
            allocateAndBind(client, peer);
            roundTrips(client, peer, rt.udpAddress(), 20);
            binding(client, rt);
            assertEquals(1, active());
            assertEquals(2, promotions("opened"));
        }
    }

    @Test
    void whenNoSocketCanBeOpenedTheClientStaysOnTheListener() throws Exception {
        ConnectedUdp failing = new ConnectedUdp((local, client, buffer, strays) -> {
            throw new IOException("Too many open files");
        }, 100);
        try (TurnRuntime rt = start(failing);
             StunTestClient client = new StunTestClient(rt.udpAddress());
             DatagramSocket peer = peer()) {
            allocateAndBind(client, peer);
            double listenerBefore = datagrams("listener");
            roundTrips(client, peer, rt.udpAddress(), 100);
            binding(client, rt);
            assertEquals(1, promotions("failed"), "tried once, not per packet");
            assertEquals(0, active());
            assertTrue(datagrams("listener") >= listenerBefore + 101);
            assertEquals(0, datagrams("connected"));
        }
    }

    @Test
    void datagramsTheNewSocketGetsBeforeItIsConnectedAreServedNotDropped() throws Exception {
        assumeTrue(ConnectedUdp.forThisHost().enabled(), "needs Linux 6.13 or later");
        int n = 20;
        List<DatagramSocket> others = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DatagramSocket o = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            o.setSoTimeout(5_000);
            others.add(o);
        }
        // while the new socket is bound but not yet connected, 20 other clients each send one Binding
        // request to the port: the kernel hands some of them to the new socket (it spreads a reuseport
        // group's unconnected members by hash), and connect would discard those
        List<byte[]> requests = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Message m = MessageFactory.createBindingRequest();
            byte[] tid = new byte[12];
            tid[0] = (byte) i;
            tid[11] = 42;
            m.setTransactionID(tid);
            requests.add(StunCodec.encode(m, null));
        }
        ConnectedUdp early = new ConnectedUdp((local, client, buffer, strays) -> {
            var ch = ConnectedUdp.bindReusePort(local);
            for (int i = 0; i < n; i++) {
                byte[] b = requests.get(i);
                others.get(i).send(new DatagramPacket(b, b.length, local));
            }
            return ConnectedUdp.connectAfterStrays(ch, client, buffer, strays);
        }, 100);
        try (TurnRuntime rt = start(early);
             StunTestClient client = new StunTestClient(rt.udpAddress());
             DatagramSocket peer = peer()) {
            allocateAndBind(client, peer);
            roundTrips(client, peer, rt.udpAddress(), 1); // promotes, with the 20 requests in flight
            for (int i = 0; i < n; i++) {
                DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
                others.get(i).receive(p); // SocketTimeoutException if the request was dropped
                assertEquals(0x0101, StunCodec.decode(java.util.Arrays.copyOf(p.getData(), p.getLength()))
                        .frame().messageType(), "Binding success for client " + i);
            }
            assertEquals(1, active());
            roundTrips(client, peer, rt.udpAddress(), 20);
        } finally {
            others.forEach(DatagramSocket::close);
        }
    }

    @Test
    void beyondTheLimitClientsStayOnTheListener() throws Exception {
        assumeTrue(ConnectedUdp.forThisHost().enabled(), "needs Linux 6.13 or later");
        try (TurnRuntime rt = start(new ConnectedUdp(ConnectedUdp::reusePort, 1));
             StunTestClient first = new StunTestClient(rt.udpAddress());
             StunTestClient second = new StunTestClient(rt.udpAddress());
             DatagramSocket peer = peer()) {
            allocateAndBind(first, peer);
            allocateAndBind(second, peer);
            for (int i = 0; i < 20; i++) {
                roundTrips(first, peer, rt.udpAddress(), 1);
                roundTrips(second, peer, rt.udpAddress(), 1);
            }
            binding(first, rt);
            assertEquals(1, active());
            assertEquals(1, promotions("opened"));
            assertEquals(1, promotions("over_limit"));
        }
    }

    @Test
    void everyConnectedSocketIsClosedWhenItsAllocationEnds() throws Exception {
        ConnectedUdp host = ConnectedUdp.forThisHost();
        assumeTrue(host.enabled(), "needs Linux 6.13 or later");
        try (DatagramSocket peer = peer()) {
            comeAndGo(host, peer, 1); // warm-up: whatever the JVM opens once and keeps (class files, PRNG)
            long before = openFds();
            comeAndGo(host, peer, 30);
            assertEquals(before, openFds(), "server stop released every descriptor");
        }
    }

    /** {@code n} clients relay (promoted), a third end with Refresh 0 and the rest by expiry; some relay again, then stop. */
    private void comeAndGo(ConnectedUdp host, DatagramSocket peer, int n) throws Exception {
        List<StunTestClient> clients = new ArrayList<>();
        TurnRuntime rt = start(host);
        try {
            for (int i = 0; i < n; i++) {
                clients.add(new StunTestClient(rt.udpAddress()));
            }
            StunTestClient probe = clients.get(0);
            long base = openFds();
            for (StunTestClient c : clients) {
                allocateAndBind(c, peer);
                roundTrips(c, peer, rt.udpAddress(), 2);
            }
            binding(probe, rt);
            assertEquals(n, active());
            assertTrue(openFds() >= base + 2L * n, "a relay socket and a connected socket per client");

            for (int i = 0; i < n / 3; i++) {
                assertEquals(0x0104, clients.get(i).authed(MessageFactory.createRefreshRequest(0))
                        .frame().messageType());
            }
            rt.sweepAt(System.nanoTime() + TimeUnit.HOURS.toNanos(2));
            // channels closed on the loop are released at its next select: wait with round trips
            awaitWithBindings(probe, rt, () -> fdsOrMinusOne() == base);
            assertEquals(base, openFds(), "every relay and connected socket closed");
            assertEquals(0, active());

            int again = Math.min(n, 10);
            for (StunTestClient c : clients.subList(0, again)) {
                allocateAndBind(c, peer);
                roundTrips(c, peer, rt.udpAddress(), 2);
            }
            binding(probe, rt);
            assertEquals(again, active());
        } finally {
            rt.close();
            for (StunTestClient c : clients) {
                c.close();
            }
        }
        assertEquals(0, active(), "server stop closed the connected sockets");
    }

    private static long fdsOrMinusOne() {
        try {
            return openFds();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count() - 1; // the directory stream's own descriptor
        }
    }

    private static void awaitWithBindings(StunTestClient c, TurnRuntime rt, BooleanSupplier condition)
            throws Exception {
        for (int i = 0; i < 200 && !condition.getAsBoolean(); i++) {
            binding(c, rt);
        }
    }

    private static DatagramSocket peer() throws IOException {
        DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        peer.setSoTimeout(2000);
        return peer;
    }

    private static void allocateAndBind(StunTestClient client, DatagramSocket peer) throws Exception {
        client.credentials("user", "pass", "parley");
        assertEquals(0x0103, client.authed(MessageFactory.createAllocateRequest((byte) 17, false))
                .frame().messageType());
        assertEquals(0x0109, client.authed(MessageFactory.createChannelBindRequest((char) CHANNEL,
                new TransportAddress("127.0.0.1", peer.getLocalPort(), Transport.UDP), new byte[12]))
                .frame().messageType());
    }

    /** A Binding round trip: once answered, the loop has finished everything the client sent before. */
    private static void binding(StunTestClient client, TurnRuntime rt) throws Exception {
        StunCodec.Decoded r = client.plain(MessageFactory.createBindingRequest());
        assertEquals(0x0101, r.frame().messageType());
        XorMappedAddressAttribute mapped = (XorMappedAddressAttribute) r.message()
                .getAttribute(Attribute.XOR_MAPPED_ADDRESS);
        TransportAddress seen = mapped.getAddress(r.message().getTransactionID());
        assertEquals(client.socket.getLocalPort(), seen.getPort(), "the server saw the client's own address");
    }

    /** ChannelData client → peer → client, {@code n} times; replies must come from the listener's address. */
    private static void roundTrips(StunTestClient client, DatagramSocket peer, InetSocketAddress server, int n)
            throws Exception {
        byte[] frame = new byte[4 + SIZE];
        frame[0] = (byte) (CHANNEL >> 8);
        frame[3] = (byte) SIZE;
        byte[] buf = new byte[2048];
        for (int i = 0; i < n; i++) {
            frame[4] = (byte) i;
            client.socket.send(new DatagramPacket(frame, frame.length, server));
            DatagramPacket atPeer = new DatagramPacket(buf, buf.length);
            peer.receive(atPeer);
            assertEquals(SIZE, atPeer.getLength());
            peer.send(new DatagramPacket(buf, SIZE, atPeer.getSocketAddress()));
            DatagramPacket back = new DatagramPacket(new byte[2048], 2048);
            client.socket.receive(back);
            assertEquals(server, back.getSocketAddress(), "replies come from the listener's address");
            assertEquals(4 + SIZE, back.getLength());
            byte[] got = java.util.Arrays.copyOfRange(back.getData(), 0, 4 + SIZE);
            assertArrayEquals(frame, got);
        }
    }

    private double active() {
        return registry.find("parley.turn.udp.connected.active").gauge().value();
    }

    private double promotions(String result) {
        return registry.find("parley.turn.udp.connected.promotions").tag("result", result).functionCounter().count();
    }

    private double datagrams(String socket) {
        return registry.find("parley.turn.udp.datagrams").tag("socket", socket).functionCounter().count();
    }
}
