package dev.parley.presence.http;

import dev.parley.auth.OriginPolicy;
import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.auth.TokenVerifier;
import dev.parley.presence.PresenceConfig;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Token ({@code Authorization: Bearer} or {@code ?access_token=}, as EventSource cannot set headers) and Origin checks. */
final class RequestAuth {

    private RequestAuth() {
    }

    /**
     * The Origin check then the token check every presence endpoint makes first: the caller's
     * principal, or {@code null} once a 403 (origin) or 401 (token) has been sent.
     */
    static Principal admit(HttpServletRequest req, HttpServletResponse resp, PresenceConfig config) throws IOException {
        if (!originAllowed(req, config.origins())) {
            Problem.FORBIDDEN.send(resp, "origin not allowed");
            return null;
        }
        try {
            return principal(req, config.tokens());
        } catch (TokenException e) {
            Problem.UNAUTHORIZED.send(resp, e.getMessage());
            return null;
        }
    }

    private static Principal principal(HttpServletRequest req, TokenVerifier tokens) throws TokenException {
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

    private static boolean originAllowed(HttpServletRequest req, OriginPolicy origins) {
        return origins.allows(req.getHeader("Origin"), req.getHeader("Host"));
    }
}
