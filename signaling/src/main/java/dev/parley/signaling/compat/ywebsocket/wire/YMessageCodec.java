package dev.parley.signaling.compat.ywebsocket.wire;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Decodes and encodes y-websocket frames (see {@link YMessage}). Stateless; every length is
 * checked before allocation, and a frame that ends early is a {@link MalformedMessageException}.
 */
public final class YMessageCodec {

    public static final int MESSAGE_SYNC = 0;
    public static final int MESSAGE_AWARENESS = 1;
    public static final int MESSAGE_AUTH = 2;
    public static final int MESSAGE_QUERY_AWARENESS = 3;

    public static final int SYNC_STEP1 = 0;
    public static final int SYNC_STEP2 = 1;
    public static final int SYNC_UPDATE = 2;

    public static final int AUTH_PERMISSION_DENIED = 0;

    /** An encoded empty state vector (no clients). */
    public static final byte[] EMPTY_STATE_VECTOR = {0};
    /** An encoded empty Yjs v1 update: no structs, empty delete set. */
    public static final byte[] EMPTY_UPDATE = {0, 0};

    private YMessageCodec() {
    }

    public static YMessage decode(byte[] frame) throws MalformedMessageException {
        Lib0Reader r = new Lib0Reader(frame);
        long type = r.readVarUint();
        if (type == MESSAGE_SYNC) {
            long sub = r.readVarUint();
            byte[] payload = r.readVarBytes();
            if (sub == SYNC_STEP1) {
                return new YMessage.SyncStep1(payload);
            } else if (sub == SYNC_STEP2) {
                return new YMessage.SyncStep2(payload);
            } else if (sub == SYNC_UPDATE) {
                return new YMessage.SyncUpdate(payload);
            }
            throw new MalformedMessageException("unknown sync message type " + sub);
        } else if (type == MESSAGE_AWARENESS) {
            return new YMessage.Awareness(decodeAwareness(r.readVarBytes()));
        } else if (type == MESSAGE_AUTH) {
            int authType = (int) r.readVarUint();
            return new YMessage.Auth(authType, authType == AUTH_PERMISSION_DENIED ? r.readVarString() : "");
        } else if (type == MESSAGE_QUERY_AWARENESS) {
            return new YMessage.QueryAwareness();
        }
        return new YMessage.Unknown(type);
    }

    /** y-protocols {@code encodeAwarenessUpdate}: count, then (clientID, clock, JSON state) each. */
    public static List<AwarenessEntry> decodeAwareness(byte[] update) throws MalformedMessageException {
        Lib0Reader r = new Lib0Reader(update);
        int n = r.readLength();
        if (n > r.remaining()) {
            throw new MalformedMessageException("awareness update claims " + n + " states");
        }
        List<AwarenessEntry> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new AwarenessEntry(r.readVarUint(), r.readVarUint(), r.readVarString()));
        }
        return out;
    }

    public static byte[] syncStep1(byte[] stateVector) {
        return sync(SYNC_STEP1, stateVector);
    }

    public static byte[] syncStep2(byte[] update) {
        return sync(SYNC_STEP2, update);
    }

    public static byte[] syncUpdate(byte[] update) {
        return sync(SYNC_UPDATE, update);
    }

    private static byte[] sync(int sub, byte[] payload) {
        return new Lib0Writer(payload.length + 8).writeVarUint(MESSAGE_SYNC).writeVarUint(sub)
                .writeVarBytes(payload).toByteArray();
    }

    /** The awareness update alone (y-protocols {@code encodeAwarenessUpdate}), without the message type. */
    public static byte[] awarenessUpdate(Collection<AwarenessEntry> entries) {
        Lib0Writer inner = new Lib0Writer(16 + entries.size() * 32);
        inner.writeVarUint(entries.size());
        for (AwarenessEntry e : entries) {
            inner.writeVarUint(e.clientId()).writeVarUint(e.clock()).writeVarString(e.stateJson());
        }
        return inner.toByteArray();
    }

    public static byte[] awareness(Collection<AwarenessEntry> entries) {
        byte[] body = awarenessUpdate(entries);
        return new Lib0Writer(body.length + 8).writeVarUint(MESSAGE_AWARENESS).writeVarBytes(body).toByteArray();
    }

    public static byte[] permissionDenied(String reason) {
        return new Lib0Writer(reason.length() + 8).writeVarUint(MESSAGE_AUTH)
                .writeVarUint(AUTH_PERMISSION_DENIED).writeVarString(reason).toByteArray();
    }

    public static byte[] queryAwareness() {
        return new byte[] {MESSAGE_QUERY_AWARENESS};
    }
}
