package dev.parley.signaling.cluster.redis;

import dev.parley.signaling.compat.peerjs.PeerjsDirectory;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link PeerjsDirectory} on Redis: one string per id, {@code parley:peerjs:id:<id>} =
 * {@code node\ntokenSha256Hex}, PX = {@link #ttl()}, each change one Lua script. Shares the room
 * directory's connection.
 */
public final class RedisPeerjsDirectory implements PeerjsDirectory {

    static final String PREFIX = "parley:peerjs:id:";

    /** Returns {1, previous} when taken (previous = old value or ""), {0, holder} when another token holds it. */
    private static final String CLAIM = """
            local v = redis.call('GET', KEYS[1])
            if v then
              local nl = string.find(v, '\\n', 1, true)
              if nl and string.sub(v, nl + 1) ~= ARGV[2] then return {0, v} end
            end
            redis.call('SET', KEYS[1], ARGV[1] .. '\\n' .. ARGV[2], 'PX', ARGV[3])
            return {1, v or ''}
            """;
    private static final String RELEASE = """
            local v = redis.call('GET', KEYS[1])
            if v and string.sub(v, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '\\n' then
              redis.call('DEL', KEYS[1])
              return 1
            end
            return 0
            """;
    private static final String REFRESH = """
            local v = redis.call('GET', KEYS[1])
            if not v then
              redis.call('SET', KEYS[1], ARGV[1] .. '\\n' .. ARGV[2], 'PX', ARGV[3])
              return 1
            end
            if string.sub(v, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. '\\n' then
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
              return 1
            end
            return 0
            """;

    private final RedisAsyncCommands<String, String> redis;
    private final Duration ttl;

    RedisPeerjsDirectory(RedisAsyncCommands<String, String> redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    @Override
    public CompletionStage<Claim> claim(String id, String tokenHash, String node) {
        CompletionStage<List<Object>> r = redis.eval(CLAIM, ScriptOutputType.MULTI, new String[] {PREFIX + id},
                node, tokenHash, Long.toString(ttl.toMillis()));
        return r.thenApply(out -> {
            boolean granted = ((Long) out.get(0)) == 1L;
            String previous = (String) out.get(1);
            int nl = previous.indexOf('\n');
            return new Claim(granted, granted && nl > 0 ? previous.substring(0, nl) : null);
        });
    }

    @Override
    public CompletionStage<String> locate(String id) {
        return redis.get(PREFIX + id).thenApply(v -> {
            int nl = v == null ? -1 : v.indexOf('\n');
            return nl > 0 ? v.substring(0, nl) : null;
        });
    }

    @Override
    public CompletionStage<Void> release(String id, String node) {
        return redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {PREFIX + id}, node).thenApply(x -> null);
    }

    @Override
    public CompletionStage<Void> refresh(Map<String, String> ids, String node) {
        List<CompletableFuture<?>> all = new ArrayList<>(ids.size());
        String px = Long.toString(ttl.toMillis());
        ids.forEach((id, hash) -> all.add(redis.eval(REFRESH, ScriptOutputType.INTEGER, new String[] {PREFIX + id},
                node, hash, px).toCompletableFuture()));
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }
}
