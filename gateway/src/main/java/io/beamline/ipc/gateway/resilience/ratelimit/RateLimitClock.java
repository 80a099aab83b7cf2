package io.beamline.ipc.gateway.resilience.ratelimit;

import com.github.benmanes.caffeine.cache.Ticker;
import io.github.bucket4j.TimeMeter;

/**
 * Time for the rate limits, injected so tests move it by hand and never sleep. Local buckets and the key
 * map's idle expiry use the monotonic clock; fleet buckets in Redis use the wall clock, which every gateway
 * sharing them reads alike.
 */
public interface RateLimitClock {

    long monotonicNanos();

    long wallClockNanos();

    RateLimitClock SYSTEM = new RateLimitClock() {
        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }

        @Override
        public long wallClockNanos() {
            return System.currentTimeMillis() * 1_000_000L;
        }
    };

    default TimeMeter monotonicMeter() {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return monotonicNanos();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    default TimeMeter wallClockMeter() {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return wallClockNanos();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    default Ticker ticker() {
        return this::monotonicNanos;
    }
}
