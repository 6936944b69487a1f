package dev.parley.presence.http;

import dev.parley.presence.wire.Json;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Error responses: {@code {"error": code, "message": text}} with the matching HTTP status. */
enum Problem {
    BAD_REQUEST(400, "bad_request"),
    UNAUTHORIZED(401, "unauthorized"),
    FORBIDDEN(403, "forbidden"),
    NOT_FOUND(404, "not_found"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed"),
    UNAVAILABLE(503, "unavailable");

    final int status;
    final String code;

    Problem(int status, String code) {
        this.status = status;
        this.code = code;
    }

    void send(HttpServletResponse resp, String message) throws IOException {
        if (resp.isCommitted()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write(Json.write(body));
    }
}
