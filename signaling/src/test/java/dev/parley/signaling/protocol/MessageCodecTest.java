package dev.parley.signaling.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCodecTest {

    private final MessageCodec codec = new MessageCodec();

    private ErrorCode refused(String json) {
        return assertThrows(ProtocolException.class, () -> codec.decode(json)).code();
    }

    @Test
    void decodesEveryClientMessage() throws Exception {
        assertInstanceOf(ClientMessage.Hello.class, codec.decode("{\"t\":\"hello\"}"));
        var h = (ClientMessage.Hello) codec.decode("{\"t\":\"hello\",\"token\":\"x\",\"resume\":{\"sessionId\":\"s\",\"resumeToken\":\"r\",\"lastSeq\":4}}");
        assertEquals(4, h.resume().lastSeq());
        assertEquals("r1", ((ClientMessage.Join) codec.decode("{\"t\":\"join\",\"room\":\"r1\",\"meta\":{\"a\":1}}")).room());
        assertEquals("r1", ((ClientMessage.Leave) codec.decode("{\"t\":\"leave\",\"room\":\"r1\"}")).room());
        var sig = (ClientMessage.Signal) codec.decode("{\"t\":\"signal\",\"to\":\"p\",\"kind\":\"offer\",\"data\":{\"sdp\":\"v=0\"}}");
        assertEquals(SignalKind.OFFER, sig.kind());
        assertEquals(SignalKind.END_OF_CANDIDATES,
                ((ClientMessage.Signal) codec.decode("{\"t\":\"signal\",\"to\":\"p\",\"kind\":\"end-of-candidates\"}")).kind());
        var relay = (ClientMessage.Relay) codec.decode("{\"t\":\"relay\",\"room\":\"r\",\"ch\":\"c\",\"d\":null}");
        assertNull(relay.to());
        assertEquals(-1, ((ClientMessage.Ping) codec.decode("{\"t\":\"ping\"}")).ack());
        assertEquals(7, ((ClientMessage.Ping) codec.decode("{\"t\":\"ping\",\"ack\":7}")).ack());
        assertInstanceOf(ClientMessage.IceServersRequest.class, codec.decode("{\"t\":\"ice-servers\"}"));
        assertInstanceOf(ClientMessage.Bye.class, codec.decode("{\"t\":\"bye\"}"));
    }

    @Test
    void oneErrorCodePerKindOfBadInput() {
        assertEquals(ErrorCode.BAD_JSON, refused("{"));
        assertEquals(ErrorCode.BAD_JSON, refused("42"));
        assertEquals(ErrorCode.MISSING_FIELD, refused("{}"));
        assertEquals(ErrorCode.BAD_FIELD, refused("{\"t\":5}"));
        assertEquals(ErrorCode.UNKNOWN_TYPE, refused("{\"t\":\"nope\"}"));
        assertEquals(ErrorCode.MISSING_FIELD, refused("{\"t\":\"join\"}"));
        assertEquals(ErrorCode.BAD_FIELD, refused("{\"t\":\"join\",\"room\":\"\"}"));
        assertEquals(ErrorCode.BAD_FIELD, refused("{\"t\":\"join\",\"room\":\"a\\u0000b\"}"));
        assertEquals(ErrorCode.BAD_FIELD, refused("{\"t\":\"join\",\"room\":\"" + "x".repeat(129) + "\"}"));
        assertEquals(ErrorCode.BAD_FIELD, refused("{\"t\":\"join\",\"room\":\"r\",\"meta\":[1]}"));
        assertEquals(ErrorCode.BAD_FIELD, refused("{\"t\":\"join\",\"room\":\"r\",\"meta\":{\"a\":\"" + "x".repeat(3000) + "\"}}"));
        assertEquals(ErrorCode.MISSING_FIELD, refused("{\"t\":\"signal\",\"to\":\"p\",\"kind\":\"answer\",\"data\":{}}"));
        assertEquals(ErrorCode.BAD_FIELD, refused("{\"t\":\"signal\",\"to\":\"p\",\"kind\":\"fax\"}"));
        assertEquals(ErrorCode.MISSING_FIELD, refused("{\"t\":\"relay\",\"room\":\"r\",\"ch\":\"c\"}"));
        assertEquals(ErrorCode.BAD_FIELD, refused("{\"t\":\"ping\",\"ack\":-1}"));
        assertEquals(ErrorCode.BAD_FIELD, refused("{\"t\":\"hello\",\"resume\":{\"sessionId\":\"s\",\"resumeToken\":\"r\",\"lastSeq\":\"x\"}}"));
        assertEquals(ErrorCode.BAD_JSON, refused("[".repeat(100) + "]".repeat(100)));
    }

    @Test
    void refusalNamesTheMessageType() {
        var e = assertThrows(ProtocolException.class, () -> codec.decode("{\"t\":\"join\"}"));
        assertEquals("join", e.ref());
    }

    @Test
    void binaryRelayRoundTrip() throws Exception {
        byte[] header = "{\"t\":\"relay\",\"room\":\"r\",\"ch\":\"y\"}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer in = ByteBuffer.allocate(2 + header.length + 3);
        in.putShort((short) header.length).put(header).put(new byte[]{1, 2, 3}).flip();
        var relay = (ClientMessage.Relay) codec.decodeBinary(in);
        assertArrayEquals(new byte[]{1, 2, 3}, relay.binary());
        byte[] out = codec.encodeBinaryRelay("r", "p1", null, "y", 9, relay.binary());
        ByteBuffer ob = ByteBuffer.wrap(out);
        int hl = ob.getShort();
        String h = new String(out, 2, hl, StandardCharsets.UTF_8);
        assertEquals("{\"t\":\"relay\",\"seq\":9,\"room\":\"r\",\"from\":\"p1\",\"ch\":\"y\"}", h);
        assertEquals(3, out.length - 2 - hl);
    }

    @Test
    void binaryFramesWithBadHeadersAreRefused() {
        assertEquals(ErrorCode.BAD_FIELD, assertThrows(ProtocolException.class,
                () -> codec.decodeBinary(ByteBuffer.wrap(new byte[]{0}))).code());
        assertEquals(ErrorCode.BAD_FIELD, assertThrows(ProtocolException.class,
                () -> codec.decodeBinary(ByteBuffer.wrap(new byte[]{0, 9, 1}))).code());
        byte[] notRelay = "{\"t\":\"join\"}".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(2 + notRelay.length).putShort((short) notRelay.length).put(notRelay);
        assertEquals(ErrorCode.BAD_FIELD, assertThrows(ProtocolException.class, () -> codec.decodeBinary(b.flip())).code());
    }

    @Test
    void encodesWithTypeFirstAndStampsSeq() {
        String e = codec.encode(new ServerMessage.PeerLeft("r", "p", "timeout"));
        assertEquals("{\"t\":\"peer-left\",\"room\":\"r\",\"peerId\":\"p\",\"reason\":\"timeout\"}", e);
        assertEquals("{\"seq\":12,\"t\":\"peer-left\",\"room\":\"r\",\"peerId\":\"p\",\"reason\":\"timeout\"}", MessageCodec.stamp(e, 12));
        String err = codec.encode(ServerMessage.Error.of(ErrorCode.ROOM_FULL, "full", "join"));
        assertEquals("{\"t\":\"error\",\"code\":\"room-full\",\"msg\":\"full\",\"fatal\":false,\"ref\":\"join\"}", err);
        assertEquals("{\"t\":\"joined\",\"room\":\"r\",\"peers\":[]}", codec.encode(new ServerMessage.Joined("r", List.of())));
    }

    @Test
    void fatalCodesMapToCloseCodesInOnePlace() {
        assertEquals(1009, ErrorCode.FRAME_TOO_LARGE.closeCode());
        assertEquals(1008, ErrorCode.UNAUTHORIZED.closeCode());
        assertEquals(1013, ErrorCode.SERVER_FULL.closeCode());
        for (ErrorCode c : ErrorCode.values()) {
            assertEquals(c.closeCode() != 0, c.fatal(), c.name());
        }
    }
}
