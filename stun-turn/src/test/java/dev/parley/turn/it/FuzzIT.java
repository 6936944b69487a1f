package dev.parley.turn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.turn.TurnConfig;
import dev.parley.turn.proto.StunCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bounded stream of random and mutated datagrams and TCP byte streams from 127.0.0.2 while a
 * legitimate turnutils_uclient keeps relaying from 127.0.0.1: the legitimate client loses nothing,
 * the server keeps answering, and no exception escapes the loop.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FuzzIT {
    private static final int DATAGRAMS = 20_000;
    private static final int TCP_STREAMS = 200;
    private final Random random = new Random(20261123L);

    @Test
    void junkNeverStopsLegitimateRelaying() throws Exception {
        // legacy channel numbers: turnutils_uclient picks them from 0x4000-0x7FFF
        try (TurnFixture turn = new TurnFixture(TurnConfig.loopback().legacyChannelNumbers(true).build());
             CoturnTools.EchoPeer peer = new CoturnTools.EchoPeer()) {
            CompletableFuture<CoturnTools.UclientReport> legit = CompletableFuture.supplyAsync(() -> {
                try {
                    return CoturnTools.UclientReport.parse(CoturnTools.run(List.of("turnutils_uclient", "-p",
                            Integer.toString(turn.port()), "-e", "127.0.0.1", "-r", Integer.toString(peer.port),
                            "-u", "user", "-w", "pass", "-m", "3", "-n", "300", "-l", "400", "-c", "127.0.0.1"),
                            Duration.ofSeconds(120)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<byte[]> seeds = seeds();
            InetAddress fuzzer = InetAddress.getByName("127.0.0.2");
            try (DatagramSocket s = new DatagramSocket(0, fuzzer)) {
                for (int i = 0; i < DATAGRAMS; i++) {
                    byte[] d = mutate(seeds.get(i % seeds.size()), i);
                    s.send(new DatagramPacket(d, d.length, turn.udp()));
                }
            }
            for (int i = 0; i < TCP_STREAMS; i++) {
                tcpJunk(turn.udp(), fuzzer, seeds, i);
            }
            CoturnTools.UclientReport r = legit.get(150, TimeUnit.SECONDS);
            assertEquals(900, r.sent(), CoturnTools.tail(r.output()));
            assertEquals(900, r.received(), CoturnTools.tail(r.output()));
            assertEquals(0, r.lost());

            assertTrue(turn.server.isReady(), "I/O loop still running");
            try (StunTestClient c = new StunTestClient(turn.udp())) {
                Message binding = MessageFactory.createBindingRequest();
                assertEquals(0x0101, c.plain(binding).frame().messageType(), "still answers Binding");
            }
            assertTrue(turn.counter("parley.turn.messages.malformed") > 0);
        }
    }

    private List<byte[]> seeds() throws Exception {
        byte[] tid = new byte[12];
        Message alloc = MessageFactory.createAllocateRequest((byte) 17, false);
        alloc.setTransactionID(tid);
        Message perm = MessageFactory.createCreatePermissionRequest(
                new TransportAddress("127.0.0.1", 5000, Transport.UDP), tid);
        perm.setTransactionID(tid);
        perm.putAttribute(AttributeFactory.createUsernameAttribute("user"));
        Message send = MessageFactory.createSendIndication(new TransportAddress("127.0.0.1", 5000, Transport.UDP),
                new byte[100], tid);
        send.setTransactionID(tid);
        Message bind = MessageFactory.createChannelBindRequest((char) 0x4000,
                new TransportAddress("127.0.0.1", 5000, Transport.UDP), tid);
        bind.setTransactionID(tid);
        byte[] channelData = new byte[104];
        channelData[0] = 0x40;
        channelData[3] = 100;
        return List.of(StunCodec.encode(alloc, null), StunCodec.encode(perm, new byte[16]), StunCodec.encode(send, null),
                StunCodec.encode(bind, null), channelData);
    }

    /** Four kinds in turn: random bytes, truncation, bit flips, a valid header over a random TLV soup. */
    private byte[] mutate(byte[] seed, int i) {
        switch (i % 4) {
            case 0 -> {
                byte[] b = new byte[random.nextInt(1500)];
                random.nextBytes(b);
                return b;
            }
            case 1 -> {
                return java.util.Arrays.copyOf(seed, random.nextInt(seed.length + 1));
            }
            case 2 -> {
                byte[] b = seed.clone();
                for (int k = 0; k <= i % 5; k++) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return b;
            }
            default -> {
                byte[] body = new byte[4 * random.nextInt(40)];
                random.nextBytes(body);
                byte[] b = new byte[20 + body.length];
                System.arraycopy(seed, 0, b, 0, 20);
                b[2] = (byte) (body.length >> 8);
                b[3] = (byte) body.length;
                System.arraycopy(body, 0, b, 20, body.length);
                return b;
            }
        }
    }

    private void tcpJunk(InetSocketAddress server, InetAddress from, List<byte[]> seeds, int i) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(server, 2000);
            s.setSoLinger(true, 0);
            OutputStream out = s.getOutputStream();
            for (int k = 0; k < 10; k++) {
                out.write(mutate(seeds.get((i + k) % seeds.size()), i + k));
            }
            out.flush();
        } catch (IOException e) {
            // the server closing a junk stream on us is the expected outcome
        }
    }
}
