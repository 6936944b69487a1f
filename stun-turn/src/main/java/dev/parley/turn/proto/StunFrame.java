package dev.parley.turn.proto;

import java.util.List;

/**
 * What a structural pass over a raw STUN message found (RFC 8489 §5, §14): where MESSAGE-INTEGRITY
 * and FINGERPRINT sit, every XOR-PEER-ADDRESS (ice4j keeps only the last repeat), and unknown
 * comprehension-required attributes. Offsets are absolute in the inspected array.
 *
 * @param messageType the 14-bit type (method and class)
 * @param integrityOffset start of the MESSAGE-INTEGRITY attribute, or -1
 * @param fingerprintOffset start of the FINGERPRINT attribute, or -1
 * @param peerAddressOffsets start of each XOR-PEER-ADDRESS attribute, in order
 * @param unknownRequired types of unknown comprehension-required attributes
 * @param requestedFamily the REQUESTED-ADDRESS-FAMILY value (RFC 6156: 1 = IPv4, 2 = IPv6), or -1 if absent;
 *                        parsed here because ice4j expects a 1-byte value where the RFC sends 4 bytes
 * @param evenPort        EVEN-PORT: -1 absent, 0 present, 1 present with the R (reserve) bit; ice4j's
 *                        decoder wants 4 bytes where RFC 8656 §18.8 sends 1
 * @param retypeOffsets   attributes ice4j must not decode (FINGERPRINT, already checked here,
 *                        REQUESTED-ADDRESS-FAMILY and EVEN-PORT)
 */
public record StunFrame(int offset, int length, int messageType, int integrityOffset, int fingerprintOffset,
                        List<Integer> peerAddressOffsets, List<Integer> unknownRequired, int requestedFamily, int evenPort,
                        List<Integer> retypeOffsets) {

    public int method() {
        return (messageType & 0x000F) | ((messageType & 0x00E0) >> 1) | ((messageType & 0x3E00) >> 2);
    }

    public boolean isRequest() {
        return (messageType & 0x0110) == 0;
    }

    public boolean isIndication() {
        return (messageType & 0x0110) == 0x0010;
    }
}
