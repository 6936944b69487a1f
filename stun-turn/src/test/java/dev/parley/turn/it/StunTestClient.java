package dev.parley.turn.it;

import dev.parley.turn.auth.LongTermKeys;
import dev.parley.turn.proto.MalformedMessageException;
import dev.parley.turn.proto.StunCodec;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.ice4j.StunException;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.ErrorCodeAttribute;
import org.ice4j.attribute.NonceAttribute;
import org.ice4j.attribute.RealmAttribute;
import org.ice4j.attribute.XorPeerAddressAttribute;
import org.ice4j.message.Message;

/** A small STUN/TURN client over UDP built from ice4j's message factory and our codec, for tests (also the transport package's). */
public final class StunTestClient implements AutoCloseable {
    public final DatagramSocket socket;
    private final InetSocketAddress server;
    String realm;
    String nonce;
    private String username;
    byte[] key;

    public StunTestClient(InetSocketAddress server) throws IOException {
        this(server, InetAddress.getLoopbackAddress());
    }

    StunTestClient(InetSocketAddress server, InetAddress local) throws IOException {
        this.server = server;
        this.socket = new DatagramSocket(0, local);
        socket.setSoTimeout(500);
    }

    public void credentials(String user, String password, String realmName) {
        username = user;
        key = LongTermKeys.key(user, realmName, password);
    }

    /** Sends raw bytes and returns the response with the same transaction id (retransmits up to 6 times). */
    StunCodec.Decoded exchange(byte[] wire) throws IOException, MalformedMessageException {
        byte[] tid = Arrays.copyOfRange(wire, 8, 20);
        byte[] buf = new byte[65536];
        for (int attempt = 0; attempt < 6; attempt++) {
            socket.send(new DatagramPacket(wire, wire.length, server));
            long deadline = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < deadline) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                byte[] got = Arrays.copyOf(p.getData(), p.getLength());
                if (got.length >= 20 && Arrays.equals(tid, Arrays.copyOfRange(got, 8, 20))) {
                    return StunCodec.decode(got);
                }
            }
        }
        throw new SocketTimeoutException("no response from " + server);
    }

    /** Sends {@code m} unauthenticated. */
    public StunCodec.Decoded plain(Message m) throws Exception {
        tid(m);
        return exchange(StunCodec.encode(m, null));
    }

    /** Sends {@code m} with USERNAME/REALM/NONCE and MESSAGE-INTEGRITY, learning realm and nonce on 401/438. */
    public StunCodec.Decoded authed(Message m) throws Exception {
        for (int round = 0; round < 3; round++) {
            if (nonce == null) {
                learn(plain(m));
                continue;
            }
            StunCodec.Decoded r = signed(m);
            int code = errorCode(r);
            if (code == 438) {
                learn(r);
                continue;
            }
            return r;
        }
        throw new AssertionError("kept getting 401/438");
    }

    /** One signed attempt with the current nonce, no retry. */
    StunCodec.Decoded signed(Message m) throws Exception {
        m.removeAttribute(Attribute.USERNAME);
        m.removeAttribute(Attribute.REALM);
        m.removeAttribute(Attribute.NONCE);
        m.putAttribute(AttributeFactory.createUsernameAttribute(username));
        m.putAttribute(AttributeFactory.createRealmAttribute(realm.getBytes(StandardCharsets.UTF_8)));
        m.putAttribute(AttributeFactory.createNonceAttribute(nonce.getBytes(StandardCharsets.US_ASCII)));
        tid(m);
        return exchange(StunCodec.encode(m, key));
    }

    void learn(StunCodec.Decoded r) {
        RealmAttribute ra = (RealmAttribute) r.message().getAttribute(Attribute.REALM);
        NonceAttribute na = (NonceAttribute) r.message().getAttribute(Attribute.NONCE);
        if (ra == null || na == null) {
            throw new AssertionError("expected REALM and NONCE in " + r.message());
        }
        realm = new String(ra.getRealm(), StandardCharsets.UTF_8);
        nonce = new String(na.getNonce(), StandardCharsets.US_ASCII);
    }

    public static int errorCode(StunCodec.Decoded r) {
        ErrorCodeAttribute e = (ErrorCodeAttribute) r.message().getAttribute(Attribute.ERROR_CODE);
        return e == null ? 0 : e.getErrorCode();
    }

    /**
     * A fresh transaction id; XOR-PEER-ADDRESS is re-encoded with it (for IPv6 the XOR covers the
     * transaction id, and ice4j's factory methods XOR with whatever id they were given).
     */
    private static void tid(Message m) throws StunException {
        byte[] old = m.getTransactionID();
        byte[] tid = new byte[12];
        ThreadLocalRandom.current().nextBytes(tid);
        XorPeerAddressAttribute peer = (XorPeerAddressAttribute) m.getAttribute(Attribute.XOR_PEER_ADDRESS);
        byte[] encodedWith = old != null ? old : new byte[12];
        m.setTransactionID(tid);
        if (peer != null) {
            m.removeAttribute(Attribute.XOR_PEER_ADDRESS);
            m.putAttribute(AttributeFactory.createXorPeerAddressAttribute(peer.getAddress(encodedWith), tid));
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
