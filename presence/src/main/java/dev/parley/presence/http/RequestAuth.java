package dev.parley.presence.http;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.auth.TokenVerifier;
import jakarta.servlet.http.HttpServletRequest;

/** Token ({@code Authorization: Bearer} or {@code ?access_token=}, as EventSource cannot set headers) and Origin checks. */
final class RequestAuth {

    private RequestAuth() {
    }

    static Principal principal(HttpServletRequest req, TokenVerifier tokens) throws TokenException {
        String header = req.getHeader("Authorization");
        String token = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).trim();
        }
        if (token == null) {
            token = req.getParameter("access_token");
        }
        return tokens.verify(token);
    }

    static boolean originAllowed(HttpServletRequest req, OriginPolicy origins) {
        return origins.allows(req.getHeader("Origin"), req.getHeader("Host"));
    }
}
