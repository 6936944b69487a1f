package dev.parley.signaling.compat.ywebsocket.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Frames as y-protocols writes them (bytes checked against what lib0's encoder produces). */
class YMessageCodecTest {

    @Test
    void syncMessagesRoundTrip() throws Exception {
        byte[] update = {1, 2, 3};
        assertArrayEquals(new byte[] {0, 0, 1, 0}, YMessageCodec.syncStep1(YMessageCodec.EMPTY_STATE_VECTOR));
        assertArrayEquals(new byte[] {0, 1, 3, 1, 2, 3}, YMessageCodec.syncStep2(update));
        assertArrayEquals(new byte[] {0, 2, 3, 1, 2, 3}, YMessageCodec.syncUpdate(update));
        assertArrayEquals(update, ((YMessage.SyncStep2) YMessageCodec.decode(YMessageCodec.syncStep2(update))).update());
        assertArrayEquals(update, ((YMessage.SyncUpdate) YMessageCodec.decode(YMessageCodec.syncUpdate(update))).update());
        assertInstanceOf(YMessage.SyncStep1.class, YMessageCodec.decode(YMessageCodec.syncStep1(new byte[] {0})));
    }

    @Test
    void awarenessAsY_protocolsEncodesIt() throws Exception {
        // awarenessProtocol.encodeAwarenessUpdate for client 300, clock 2, state {"a":1}, wrapped in messageAwareness
        byte[] frame = HexFormat.of().parseHex("010c01ac020207" + HexFormat.of().formatHex("{\"a\":1}".getBytes()));
        YMessage.Awareness a = (YMessage.Awareness) YMessageCodec.decode(frame);
        assertEquals(List.of(new AwarenessEntry(300, 2, "{\"a\":1}")), a.entries());
        assertArrayEquals(frame, YMessageCodec.awareness(a.entries()));
    }

    @Test
    void removalSupersedesAtTheSameClock() {
        AwarenessEntry present = new AwarenessEntry(1, 5, "{}");
        assertEquals(true, present.removal().supersedes(present));
        assertEquals(true, new AwarenessEntry(1, 5, "null").supersedes(present));
        assertEquals(false, new AwarenessEntry(1, 4, "{}").supersedes(present));
        assertEquals(false, new AwarenessEntry(1, 5, "{\"x\":1}").supersedes(present));
    }

    @Test
    void authAndQueryAndUnknown() throws Exception {
        byte[] denied = YMessageCodec.permissionDenied("no");
        assertArrayEquals(new byte[] {2, 0, 2, 'n', 'o'}, denied);
        assertEquals(new YMessage.Auth(0, "no"), YMessageCodec.decode(denied));
        assertInstanceOf(YMessage.QueryAwareness.class, YMessageCodec.decode(new byte[] {3}));
        assertEquals(new YMessage.Unknown(9), YMessageCodec.decode(new byte[] {9, 1, 2}));
    }

    @Test
    void malformedFrames() {
        assertThrows(MalformedMessageException.class, () -> YMessageCodec.decode(new byte[0]));
        assertThrows(MalformedMessageException.class, () -> YMessageCodec.decode(new byte[] {0}));
        assertThrows(MalformedMessageException.class, () -> YMessageCodec.decode(new byte[] {0, 7, 0}));
        assertThrows(MalformedMessageException.class, () -> YMessageCodec.decode(new byte[] {0, 2, 5, 1}));
        assertThrows(MalformedMessageException.class, () -> YMessageCodec.decode(new byte[] {1, 4, 5, 1, 1, 1}));
        assertThrows(MalformedMessageException.class,
                () -> YMessageCodec.decode(new byte[] {0, 2, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                        (byte) 0xff, (byte) 0xff, (byte) 0xff, 1}));
    }
}
