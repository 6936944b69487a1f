package dev.parley.turn.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** RFC 8489 §9.2.2 long-term key: MD5(username ":" realm ":" password) (SASLprep is identity for ASCII). */
public final class LongTermKeys {
    private LongTermKeys() {
    }

    public static byte[] key(String username, String realm, String password) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            return md5.digest((username + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 unavailable", e);
        }
    }
}
