package dev.parley.signaling.compat.ywebsocket.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the id ranges out of a Yjs v1 update (Yjs {@code encoding.js} {@code readClientsStructRefs}
 * and {@code DeleteSet.js} {@code readDeleteSet}) without building a document: the relay keeps
 * update blobs opaque and uses these ranges only to know which ids it holds (its state vector) and
 * to recognise an update that brings nothing new.
 *
 * <p>Layout: {@code varuint clients}, then per client {@code varuint structs, varuint client,
 * varuint clock} and the structs; then the delete set: {@code varuint clients}, per client
 * {@code varuint client, varuint n} and n times {@code varuint clock, varuint len}. A struct starts
 * with an info byte whose low 5 bits name its kind (0 GC, 10 Skip, otherwise the item content ref)
 * and whose bits 8/7/6 say whether origin, right origin and parent key follow.
 */
public final class UpdateScanner {

    private static final int BIT6 = 0x20;
    private static final int BIT7 = 0x40;
    private static final int BIT8 = 0x80;
    private static final int BITS5 = 0x1f;

    private static final int TYPE_XML_ELEMENT = 3;
    private static final int TYPE_XML_HOOK = 5;

    private UpdateScanner() {
    }

    public static UpdateSummary scan(byte[] update) throws MalformedMessageException {
        Lib0Reader r = new Lib0Reader(update);
        List<ClockRange> structs = new ArrayList<>();
        long clients = r.readVarUint();
        for (long c = 0; c < clients; c++) {
            long count = r.readVarUint();
            long client = r.readVarUint();
            long clock = r.readVarUint();
            long runStart = clock;
            for (long i = 0; i < count; i++) {
                int info = r.readUint8();
                int kind = info & BITS5;
                long len;
                if (kind == 0) {          // GC
                    len = r.readVarUint();
                } else if (kind == 10) {  // Skip: ids this update does not carry
                    len = r.readVarUint();
                    if (clock > runStart) {
                        structs.add(new ClockRange(client, runStart, clock - runStart));
                    }
                    clock += len;
                    runStart = clock;
                    continue;
                } else {
                    len = skipItem(r, info, kind);
                }
                clock += len;
            }
            if (clock > runStart) {
                structs.add(new ClockRange(client, runStart, clock - runStart));
            }
        }
        List<ClockRange> deletes = new ArrayList<>();
        long dsClients = r.readVarUint();
        for (long c = 0; c < dsClients; c++) {
            long client = r.readVarUint();
            long n = r.readVarUint();
            for (long i = 0; i < n; i++) {
                long clock = r.readVarUint();
                long len = r.readVarUint();
                if (len > 0) {
                    deletes.add(new ClockRange(client, clock, len));
                }
            }
        }
        return new UpdateSummary(structs, deletes);
    }

    /** Skips one item's origins, parent and content; returns the item's length in clock ticks. */
    private static long skipItem(Lib0Reader r, int info, int kind) throws MalformedMessageException {
        if ((info & BIT8) != 0) {       // origin (client, clock)
            r.readVarUint();
            r.readVarUint();
        }
        if ((info & BIT7) != 0) {       // right origin
            r.readVarUint();
            r.readVarUint();
        }
        if ((info & (BIT7 | BIT8)) == 0) {
            if (r.readVarUint() == 1) { // parent is a root type named by a string
                r.skipVarBytes();
            } else {                    // parent is an item id
                r.readVarUint();
                r.readVarUint();
            }
            if ((info & BIT6) != 0) {   // parentSub (map key)
                r.skipVarBytes();
            }
        }
        return switch (kind) {
            case 1 -> r.readVarUint();                     // ContentDeleted: len
            case 2 -> {                                    // ContentJSON: len JSON strings
                long n = r.readVarUint();
                for (long i = 0; i < n; i++) {
                    r.skipVarBytes();
                }
                yield n;
            }
            case 3 -> {                                    // ContentBinary
                r.skipVarBytes();
                yield 1;
            }
            case 4 -> r.readVarString().length();          // ContentString: UTF-16 code units
            case 5 -> {                                    // ContentEmbed: JSON
                r.skipVarBytes();
                yield 1;
            }
            case 6 -> {                                    // ContentFormat: key, JSON
                r.skipVarBytes();
                r.skipVarBytes();
                yield 1;
            }
            case 7 -> {                                    // ContentType: type ref (+ name for XML)
                long typeRef = r.readVarUint();
                if (typeRef == TYPE_XML_ELEMENT || typeRef == TYPE_XML_HOOK) {
                    r.skipVarBytes();
                }
                yield 1;
            }
            case 8 -> {                                    // ContentAny: len lib0 "any" values
                long n = r.readVarUint();
                for (long i = 0; i < n; i++) {
                    skipAny(r, 0);
                }
                yield n;
            }
            case 9 -> {                                    // ContentDoc: guid, options
                r.skipVarBytes();
                skipAny(r, 0);
                yield 1;
            }
            default -> throw new MalformedMessageException("unknown Yjs content type " + kind);
        };
    }

    /** lib0 {@code readAny}: a type byte 116..127 and its value. */
    private static void skipAny(Lib0Reader r, int depth) throws MalformedMessageException {
        if (depth > 64) {
            throw new MalformedMessageException("value nested too deeply");
        }
        int t = r.readUint8();
        switch (t) {
            case 127, 126, 121, 120 -> { }                  // undefined, null, false, true
            case 125 -> r.readVarInt();
            case 124 -> r.skip(4);
            case 123, 122 -> r.skip(8);
            case 119, 116 -> r.skipVarBytes();              // string, Uint8Array
            case 118 -> {                                   // object
                long n = r.readVarUint();
                for (long i = 0; i < n; i++) {
                    r.skipVarBytes();
                    skipAny(r, depth + 1);
                }
            }
            case 117 -> {                                   // array
                long n = r.readVarUint();
                for (long i = 0; i < n; i++) {
                    skipAny(r, depth + 1);
                }
            }
            default -> throw new MalformedMessageException("unknown value type " + t);
        }
    }
}
