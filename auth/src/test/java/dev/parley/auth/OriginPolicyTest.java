package dev.parley.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginPolicyTest {

    @Test
    void defaultAllowsLocalhostSameOriginAndNoOrigin() {
        OriginPolicy p = OriginPolicy.of(List.of());
        assertTrue(p.allows(null, "example.com"));
        assertTrue(p.allows("http://localhost:3000", "example.com"));
        assertTrue(p.allows("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assertTrue(p.allows("https://example.com", "example.com"));
        assertTrue(p.allows("https://example.com", "example.com:443"));
        assertFalse(p.allows("https://evil.test", "example.com"));
    }

    @Test
    void configuredListAndWildcards() {
        OriginPolicy p = OriginPolicy.of(List.of("https://app.example.com", "https://*.corp.test"));
        assertTrue(p.allows("https://app.example.com", "api.example.com"));
        assertTrue(p.allows("https://a.corp.test", "api.example.com"));
        assertFalse(p.allows("https://corp.test", "api.example.com"));
        assertFalse(p.allows("http://localhost:3000", "api.example.com"));
        assertTrue(OriginPolicy.of(List.of("*")).allows("https://anything.test", "x"));
    }

    @Test
    void rejectsNonOrigins() {
        assertThrows(IllegalArgumentException.class, () -> OriginPolicy.of(List.of("example.com/path")));
    }
}
