package dev.parley.turn.server;

import dev.parley.turn.proto.StunCodec;
import dev.parley.turn.proto.StunErrorCode;
import java.nio.charset.StandardCharsets;
import org.ice4j.StunException;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.UnknownAttributesAttribute;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Response;

/** Builds STUN responses with ice4j, copying the transaction id (ice4j's factory does not). */
final class Responses {
    private static final int SUCCESS = 0x0100;
    private static final int ERROR = 0x0110;

    private Responses() {
    }

    static Response success(int method, byte[] tid) {
        return of(method | SUCCESS, tid);
    }

    static Response error(int method, byte[] tid, StunErrorCode code) {
        Response r = of(method | ERROR, tid);
        r.putAttribute(AttributeFactory.createErrorCodeAttribute((char) code.code(), code.reason()));
        return r;
    }

    static Response unknownAttributes(int method, byte[] tid, Iterable<Integer> types) {
        Response r = error(method, tid, StunErrorCode.UNKNOWN_ATTRIBUTE);
        UnknownAttributesAttribute ua = AttributeFactory.createUnknownAttributesAttribute();
        for (int t : types) {
            ua.addAttributeID((char) t);
        }
        r.putAttribute(ua);
        return r;
    }

    static Response challenge(int method, byte[] tid, StunErrorCode code, String realm, String nonce) {
        Response r = error(method, tid, code);
        r.putAttribute(AttributeFactory.createRealmAttribute(realm.getBytes(StandardCharsets.UTF_8)));
        r.putAttribute(AttributeFactory.createNonceAttribute(nonce.getBytes(StandardCharsets.US_ASCII)));
        return r;
    }

    static byte[] encode(Response r, byte[] key) {
        return StunCodec.encode(r, key);
    }

    private static Response of(int type, byte[] tid) {
        Response r = MessageFactory.createChannelBindResponse();
        r.setMessageType((char) type);
        try {
            r.setTransactionID(tid);
        } catch (StunException e) {
            throw new IllegalArgumentException("bad transaction id", e);
        }
        return r;
    }
}
