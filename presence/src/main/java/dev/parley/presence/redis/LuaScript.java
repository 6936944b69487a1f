package dev.parley.presence.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A Lua script from the classpath, run by EVALSHA with an EVAL fallback (a restarted Redis has an empty script cache). */
final class LuaScript {

    private final String name;
    private final String body;
    private final String sha;
    private final ScriptOutputType type;

    LuaScript(String name, ScriptOutputType type, boolean withEmit) {
        this.name = name;
        this.type = type;
        String text = load(name + ".lua");
        this.body = withEmit ? load("emit.lua") + "\n" + text : text;
        try {
            this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    <T> CompletionStage<T> run(RedisAsyncCommands<String, String> redis, String[] keys, String... args) {
        CompletableFuture<T> out = new CompletableFuture<>();
        redis.<T>evalsha(sha, type, keys, args).whenComplete((v, err) -> {
            if (err == null) {
                out.complete(v);
            } else if (err instanceof RedisNoScriptException || String.valueOf(err.getMessage()).startsWith("NOSCRIPT")) {
                redis.<T>eval(body, type, keys, args).whenComplete((v2, err2) -> {
                    if (err2 == null) {
                        out.complete(v2);
                    } else {
                        out.completeExceptionally(err2);
                    }
                });
            } else {
                out.completeExceptionally(err);
            }
        });
        return out;
    }

    @Override
    public String toString() {
        return name;
    }

    private static String load(String file) {
        try (InputStream in = LuaScript.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing script " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
