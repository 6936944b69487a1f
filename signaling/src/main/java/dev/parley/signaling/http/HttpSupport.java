package dev.parley.signaling.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.auth.OriginPolicy;
import dev.parley.auth.Principal;
import dev.parley.auth.TokenException;
import dev.parley.auth.TokenVerifier;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** CORS (with preflight), bearer-token auth and JSON replies shared by the signaling servlets. */
final class HttpSupport {

    private static final Logger LOG = LoggerFactory.getLogger(HttpSupport.class);

    private final OriginPolicy origins;
    private final TokenVerifier tokens;
    private final ObjectMapper mapper;

    HttpSupport(OriginPolicy origins, TokenVerifier tokens, ObjectMapper mapper) {
        this.origins = origins;
        this.tokens = tokens;
        this.mapper = mapper;
    }

    /**
     * Applies CORS. Returns false (and has answered) when the request is finished: a refused origin
     * (403) or a preflight (204).
     */
    boolean cors(HttpServletRequest req, HttpServletResponse resp, String methods) throws IOException {
        String origin = req.getHeader("Origin");
        resp.addHeader("Vary", "Origin");
        if (origin == null) {
            return true;
        }
        if (!origins.allows(origin, req.getHeader("Host"))) {
            json(resp, 403, Map.of("error", "origin-forbidden", "msg", "origin " + origin + " is not allowed"));
            return false;
        }
        resp.setHeader("Access-Control-Allow-Origin", origin);
        resp.setHeader("Access-Control-Allow-Credentials", "true");
        if ("OPTIONS".equals(req.getMethod())) {
            resp.setHeader("Access-Control-Allow-Methods", methods);
            resp.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
            resp.setHeader("Access-Control-Max-Age", "600");
            resp.setStatus(204);
            return false;
        }
        return true;
    }

    /**
     * Answers an {@code OPTIONS} request: the CORS preflight (or 403) for a cross-origin caller, a
     * plain 204 for one without an Origin header.
     */
    void options(HttpServletRequest req, HttpServletResponse resp, String methods) throws IOException {
        if (cors(req, resp, methods)) {
            resp.setStatus(204);
        }
    }

    /** The caller's principal from {@code Authorization: Bearer} or {@code ?access_token=}; answers 401 and returns null if refused. */
    Principal principal(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String token = req.getParameter("access_token");
        String auth = req.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = auth.substring(7).trim();
        }
        try {
            return tokens.verify(token);
        } catch (TokenException e) {
            resp.setHeader("WWW-Authenticate", "Bearer");
            json(resp, 401, Map.of("error", "unauthorized", "msg", e.getMessage()));
            return null;
        }
    }

    boolean devMode() {
        return tokens.isDevMode();
    }

    static boolean isLoopback(HttpServletRequest req) {
        try {
            return InetAddress.getByName(req.getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /** Writes the response once an asynchronous answer is there ({@code error}: what it failed with, else null). */
    interface Answer<T> {
        void write(HttpServletResponse resp, T value, Throwable error) throws IOException;
    }

    /**
     * Answers when {@code stage} completes, or with a {@link java.util.concurrent.TimeoutException}
     * after {@code timeout}, without holding a request thread (servlet async; blocking only where
     * the filter chain does not support it).
     */
    <T> void later(HttpServletRequest req, HttpServletResponse resp, CompletionStage<T> stage, Duration timeout,
                   Answer<T> answer) throws IOException {
        CompletableFuture<T> f = new CompletableFuture<>();
        stage.whenComplete((v, err) -> {
            if (err != null) {
                f.completeExceptionally(err);
            } else {
                f.complete(v);
            }
        });
        f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!req.isAsyncSupported()) {
            T value = null;
            Throwable error = null;
            try {
                value = f.get();
            } catch (ExecutionException e) {
                error = e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = e;
            }
            answer.write(resp, value, error);
            return;
        }
        AsyncContext ac = req.startAsync();
        ac.setTimeout(0);   // bounded by orTimeout above
        f.whenComplete((v, err) -> {
            try {
                answer.write(resp, v, err instanceof CompletionException && err.getCause() != null ? err.getCause() : err);
            } catch (IOException | RuntimeException e) {
                LOG.debug("async answer not written: {}", e.toString());
            } finally {
                ac.complete();
            }
        });
    }

    void json(HttpServletResponse resp, int status, Object body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        mapper.writeValue(resp.getOutputStream(), body);
    }
}
