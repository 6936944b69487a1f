package dev.parley.signaling.cluster.redis;

import dev.parley.signaling.compat.peerjs.PeerjsDirectory;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * {@link PeerjsDirectory} on Redis: one string per id, {@code parley:peerjs:id:<id>} =
 * {@code node\ntokenSha256Hex}, PX = {@link #ttl()}, each change one Lua script. Shares the room
 * directory's connection. Listing: {@value #INDEX}, a sorted set id → the epoch ms its entry lives
 * until (as the node that wrote it computed it), added to after every claim and refresh, removed
 * from on release; entries past their time are dropped on every refresh, and a listing checks each
 * id it returns still exists.
 */
public final class RedisPeerjsDirectory implements PeerjsDirectory {

    static final String PREFIX = "parley:peerjs:id:";
    static final String INDEX = "parley:peerjs:ids";
    /** Ids a listing reads beyond its limit, to make up for index entries whose id just went. */
    private static final int SLACK = 64;

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
    private final LongSupplier clock;

    RedisPeerjsDirectory(RedisAsyncCommands<String, String> redis, Duration ttl, LongSupplier clock) {
        this.redis = redis;
        this.ttl = ttl;
        this.clock = clock;
    }

    private double until() {
        return (double) (clock.getAsLong() + ttl.toMillis());
    }

    @Override
    public Duration ttl() {
        return ttl;
    }

    @Override
    public CompletionStage<Claim> claim(String id, String tokenHash, String node) {
        CompletionStage<List<Object>> r = redis.eval(CLAIM, ScriptOutputType.MULTI, new String[] {PREFIX + id},
                node, tokenHash, Long.toString(ttl.toMillis()));
        return r.thenCompose(out -> {
            boolean granted = ((Long) out.get(0)) == 1L;
            String previous = (String) out.get(1);
            int nl = previous.indexOf('\n');
            Claim claim = new Claim(granted, granted && nl > 0 ? previous.substring(0, nl) : null);
            return granted ? redis.zadd(INDEX, until(), id).thenApply(x -> claim)
                    : CompletableFuture.completedFuture(claim);
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
        CompletionStage<Long> released = redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {PREFIX + id}, node);
        // a claim on another node racing in between could lose its index entry here: its node's
        // next refresh (a third of the TTL) writes it back
        return released.thenCompose(n -> n != null && n == 1L ? redis.zrem(INDEX, id).thenApply(x -> (Void) null)
                : CompletableFuture.<Void>completedFuture(null));
    }

    @Override
    public CompletionStage<Void> refresh(Map<String, String> ids, String node) {
        List<CompletableFuture<?>> all = new ArrayList<>(ids.size());
        String px = Long.toString(ttl.toMillis());
        double until = until();
        ids.forEach((id, hash) -> {
            CompletionStage<Long> held = redis.eval(REFRESH, ScriptOutputType.INTEGER, new String[] {PREFIX + id},
                    node, hash, px);
            all.add(held.thenCompose(n -> n != null && n == 1L ? redis.zadd(INDEX, until, id).thenApply(x -> (Void) null)
                    : CompletableFuture.<Void>completedFuture(null)).toCompletableFuture());
        });
        // index entries nobody refreshed for a whole TTL belong to ids that expired (a dead node's)
        all.add(redis.zremrangebyscore(INDEX, Range.from(Range.Boundary.<Double>unbounded(),
                Range.Boundary.including((double) clock.getAsLong())))
                .toCompletableFuture());
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletionStage<List<String>> ids(int limit) {
        Range<Double> live = Range.from(Range.Boundary.excluding((double) clock.getAsLong()),
                Range.Boundary.<Double>unbounded());
        return redis.zrangebyscore(INDEX, live, Limit.create(0, limit + SLACK)).thenCompose(candidates -> {
            List<CompletableFuture<String>> values = new ArrayList<>(candidates.size());
            for (String id : candidates) {
                values.add(redis.get(PREFIX + id).toCompletableFuture());
            }
            return CompletableFuture.allOf(values.toArray(CompletableFuture[]::new)).thenApply(x -> {
                List<String> out = new ArrayList<>(Math.min(limit, candidates.size()));
                for (int i = 0; i < candidates.size() && out.size() < limit; i++) {
                    if (values.get(i).join() != null) {
                        out.add(candidates.get(i));
                    }
                }
                return out;
            });
        });
    }
}
