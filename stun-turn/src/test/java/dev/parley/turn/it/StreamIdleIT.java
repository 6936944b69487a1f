package dev.parley.turn.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.turn.TurnConfig;
import dev.parley.turn.auth.LongTermKeys;
import dev.parley.turn.proto.StunCodec;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.NonceAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A TCP/TLS connection that has no allocation is closed after streamIdleTimeout; one with an allocation stays. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamIdleIT {
    private static final TurnConfig CONFIG = TurnConfig.loopback().streamIdleTimeout(Duration.ofMillis(300)).build();

    /** Reads until end of stream or until the socket's read timeout; true if the server closed it. */
    private static boolean closedByServer(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // discard
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
            return true; // TLS: closed without close_notify, or reset
        }
    }

    @Test
    void silentTcpConnectionIsClosed() throws Exception {
        try (TurnFixture turn = new TurnFixture(CONFIG);
             Socket s = new Socket(turn.server.tcpAddress().getAddress(), turn.server.tcpAddress().getPort())) {
            s.setSoTimeout(10_000);
            assertEquals(true, closedByServer(s.getInputStream()));
        }
    }

    @Test
    void tlsConnectionThatNeverAllocatesIsClosed() throws Exception {
        try (TurnFixture turn = new TurnFixture(CONFIG);
             SSLSocket s = (SSLSocket) TrustAll.context().getSocketFactory().createSocket("127.0.0.1", turn.tlsPort())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write(StunCodec.encode(withTid(MessageFactory.createBindingRequest()), null)); // answered, not an allocation
            out.flush();
            assertEquals(true, closedByServer(s.getInputStream()));
        }
    }

    @Test
    void connectionWithAnAllocationStaysOpenPastTheTimeout() throws Exception {
        try (TurnFixture turn = new TurnFixture(CONFIG);
             Socket s = new Socket(turn.server.tcpAddress().getAddress(), turn.server.tcpAddress().getPort())) {
            s.setSoTimeout(5_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            StunCodec.Decoded challenge = exchange(in, out, MessageFactory.createAllocateRequest((byte) 17, false), null);
            String nonce = new String(((NonceAttribute) challenge.message().getAttribute(Attribute.NONCE)).getNonce(),
                    StandardCharsets.US_ASCII);
            byte[] key = LongTermKeys.key("user", "parley", "pass");
            Message alloc = signed(MessageFactory.createAllocateRequest((byte) 17, false), nonce);
            assertEquals(0x0103, exchange(in, out, alloc, key).frame().messageType());
            // three times the idle timeout pass without the server closing the connection
            s.setSoTimeout(900);
            assertThrows(SocketTimeoutException.class, in::read);
            s.setSoTimeout(5_000);
            assertEquals(0x0104, exchange(in, out, signed(MessageFactory.createRefreshRequest(600), nonce), key)
                    .frame().messageType());
        }
    }

    private static Message signed(Message m, String nonce) {
        m.putAttribute(AttributeFactory.createUsernameAttribute("user"));
        m.putAttribute(AttributeFactory.createRealmAttribute("parley".getBytes(StandardCharsets.UTF_8)));
        m.putAttribute(AttributeFactory.createNonceAttribute(nonce.getBytes(StandardCharsets.US_ASCII)));
        return m;
    }

    private static Message withTid(Message m) throws Exception {
        byte[] tid = new byte[12];
        ThreadLocalRandom.current().nextBytes(tid);
        m.setTransactionID(tid);
        return m;
    }

    private static StunCodec.Decoded exchange(DataInputStream in, OutputStream out, Message m, byte[] key)
            throws Exception {
        out.write(StunCodec.encode(withTid(m), key));
        out.flush();
        byte[] header = new byte[20];
        in.readFully(header);
        int len = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
        byte[] whole = new byte[20 + len];
        System.arraycopy(header, 0, whole, 0, 20);
        in.readFully(whole, 20, len);
        return StunCodec.decode(whole);
    }
}
