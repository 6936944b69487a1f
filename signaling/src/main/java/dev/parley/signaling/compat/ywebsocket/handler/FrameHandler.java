package dev.parley.signaling.compat.ywebsocket.handler;

import dev.parley.signaling.compat.ywebsocket.room.CloseCode;
import dev.parley.signaling.compat.ywebsocket.room.Connection;
import dev.parley.signaling.compat.ywebsocket.room.DocRoom;
import dev.parley.signaling.compat.ywebsocket.room.RelayMetrics;
import dev.parley.signaling.compat.ywebsocket.wire.MalformedMessageException;
import dev.parley.signaling.compat.ywebsocket.wire.UpdateScanner;
import dev.parley.signaling.compat.ywebsocket.wire.UpdateSummary;
import dev.parley.signaling.compat.ywebsocket.wire.YMessage;
import dev.parley.signaling.compat.ywebsocket.wire.YMessageCodec;

/**
 * What the relay does with each y-websocket message, as y-websocket's own server does it but
 * without a CRDT:
 * <ul>
 *   <li>sync step 1 → every stored update (the last as sync step 2);</li>
 *   <li>sync step 2 / update → scanned, stored unless redundant, relayed to the room; refused with
 *       an auth {@code permission-denied} message for a read-only token; except the step 2 that
 *       answers the room's compaction request, which replaces stored updates instead
 *       ({@code DocRoom#syncStep2});</li>
 *   <li>awareness → kept per client id and relayed; query-awareness → every known state;</li>
 *   <li>auth from a client, unknown types → ignored; a malformed frame → close 1007.</li>
 * </ul>
 */
public final class FrameHandler {

    static final String READ_ONLY_REASON = "read-only token: document updates are not accepted";

    private final RelayMetrics metrics;

    public FrameHandler(RelayMetrics metrics) {
        this.metrics = metrics;
    }

    public void onFrame(DocRoom room, Connection c, byte[] frame) {
        YMessage msg;
        try {
            msg = YMessageCodec.decode(frame);
        } catch (MalformedMessageException e) {
            malformed(c, e);
            return;
        }
        if (msg instanceof YMessage.SyncStep1) {
            metrics.messageIn("sync-step1");
            room.syncStep1(c);
        } else if (msg instanceof YMessage.SyncStep2 s) {
            metrics.messageIn("sync-step2");
            room.syncStep2(c, s.update(), () -> update(room, c, s.update()));
        } else if (msg instanceof YMessage.SyncUpdate u) {
            metrics.messageIn("sync-update");
            update(room, c, u.update());
        } else if (msg instanceof YMessage.Awareness a) {
            metrics.messageIn("awareness");
            room.awareness(c, a.entries());
        } else if (msg instanceof YMessage.QueryAwareness) {
            metrics.messageIn("query-awareness");
            room.queryAwareness(c);
        } else if (msg instanceof YMessage.Auth) {
            metrics.messageIn("auth");
        } else {
            metrics.messageIn("unknown");
        }
    }

    private void update(DocRoom room, Connection c, byte[] update) {
        UpdateSummary summary;
        try {
            summary = UpdateScanner.scan(update);
        } catch (MalformedMessageException e) {
            malformed(c, new MalformedMessageException("not a Yjs v1 update: " + e.getMessage()));
            return;
        }
        if (summary.isEmpty()) {
            return;
        }
        if (c.readOnly()) {
            metrics.refused("read-only");
            c.outbox().sendFrameRefusal(YMessageCodec.permissionDenied(READ_ONLY_REASON));
            return;
        }
        room.update(c, update, summary);
    }

    private void malformed(Connection c, MalformedMessageException e) {
        metrics.messageIn("malformed");
        metrics.closed(CloseCode.MALFORMED);
        c.close(CloseCode.MALFORMED, "malformed y-websocket message: " + e.getMessage());
    }
}
