package dev.parley.turn.server;

import dev.parley.turn.allocation.Allocation;
import dev.parley.turn.allocation.ChannelBinding;
import dev.parley.turn.allocation.Permission;
import dev.parley.turn.policy.PeerPolicy;
import dev.parley.turn.proto.ChannelDataFraming;
import dev.parley.turn.proto.DataIndicationFraming;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The relay data path (RFC 8656 §11-12): ChannelData and Send indications from the client to the peer,
 * and peer datagrams back as ChannelData or Data indications. Works in place on the caller's buffers,
 * so in steady state it allocates nothing per packet. Anything not permitted is silently discarded, as
 * the RFC says, and counted. Confined to the I/O loop thread.
 */
public final class RelayPath {
    /** Headroom a peer datagram must be read at, so a Data indication header can be written in front. */
    public static final int HEADROOM = DataIndicationFraming.MAX_HEADER;

    private final TurnMetrics metrics;
    private final PeerPolicy policy;
    private final DataIndicationFraming.PeerView view = new DataIndicationFraming.PeerView();
    private final int maxChannel;
    private long transactionCounter = System.nanoTime();

    /** With {@code legacyChannels}, ChannelData numbers up to 0x7FFF (RFC 5766) are relayed, else up to 0x4FFF. */
    public RelayPath(TurnMetrics metrics, PeerPolicy policy, boolean legacyChannels) {
        this.metrics = metrics;
        this.policy = policy;
        this.maxChannel = legacyChannels ? ChannelDataFraming.LEGACY_MAX_CHANNEL : ChannelDataFraming.MAX_CHANNEL;
    }

    /** A ChannelData frame from the client at {@code [at, at+len)} (padding included, if any). */
    public void fromClientChannelData(Allocation a, ByteBuffer b, int at, int len, long now) {
        int dataLength = ChannelDataFraming.length(b, at);
        int number = ChannelDataFraming.channel(b, at);
        // RFC 8656 §12.5: a number outside the range in use is discarded, bound or not
        if (a == null || dataLength > len - ChannelDataFraming.HEADER || number > maxChannel) {
            metrics.dropped++;
            return;
        }
        ChannelBinding c = a.channel(number, now);
        if (c == null || a.permission(c.peer().getAddress(), now) == null || !a.chargeBandwidth(dataLength, now)) {
            metrics.dropped++;
            return;
        }
        b.limit(at + ChannelDataFraming.HEADER + dataLength).position(at + ChannelDataFraming.HEADER);
        toPeer(a, b, c.peer(), dataLength);
    }

    /** A Send indication from the client at {@code [at, at+len)}. */
    public void fromClientSend(Allocation a, ByteBuffer b, int at, int len, long now) {
        if (a == null || !DataIndicationFraming.parseSend(b, at, len, view)) {
            metrics.dropped++;
            return;
        }
        Permission p = a.permission(view.address, view.addressLength(), now);
        if (p == null || !a.chargeBandwidth(view.dataLength, now)) {
            metrics.dropped++;
            return;
        }
        InetSocketAddress peer = a.sendTarget(p.peer(), view.port);
        if (policy.isServerEndpoint(peer)) {
            metrics.dropped++;
            return;
        }
        b.limit(view.dataOffset + view.dataLength).position(view.dataOffset);
        toPeer(a, b, peer, view.dataLength);
    }

    private void toPeer(Allocation a, ByteBuffer b, InetSocketAddress peer, int length) {
        if (a.relay().sendToPeer(b, peer)) {
            metrics.packetsToPeer++;
            metrics.bytesToPeer += length;
        } else {
            metrics.dropped++;
        }
    }

    /**
     * A datagram from {@code peer} already in {@code b} at {@code [HEADROOM, HEADROOM+n)}; the space
     * before it (and up to 3 bytes after it) is ours to frame it for the client.
     */
    public void fromPeer(Allocation a, InetSocketAddress peer, ByteBuffer b, int n, long now) {
        int dataAt = HEADROOM;
        ChannelBinding c = a.channelFor(peer, now);
        int start;
        int frameLength;
        if (c != null) {
            if (a.permission(peer.getAddress(), now) == null) {
                metrics.dropped++;
                return;
            }
            start = dataAt - ChannelDataFraming.HEADER;
            ChannelDataFraming.writeHeader(b, start, c.number(), n);
            frameLength = ChannelDataFraming.HEADER + n;
            if (a.client().isStream()) {
                int pad = ChannelDataFraming.padding(n);
                for (int i = 0; i < pad; i++) {
                    b.put(dataAt + n + i, (byte) 0);
                }
                frameLength += pad;
            }
        } else {
            Permission p = a.permission(peer.getAddress(), now);
            if (p == null) {
                metrics.dropped++;
                return;
            }
            int addressLength = p.raw().length;
            start = dataAt - DataIndicationFraming.headerLength(addressLength);
            frameLength = DataIndicationFraming.writeDataIndication(b, start, p.raw(), addressLength, peer.getPort(),
                    n, ++transactionCounter);
        }
        if (!a.chargeBandwidth(n, now)) {
            metrics.dropped++;
            return;
        }
        b.limit(start + frameLength).position(start);
        if (a.client().send(b)) {
            metrics.packetsToClient++;
            metrics.bytesToClient += n;
        } else {
            metrics.dropped++;
        }
    }
}
