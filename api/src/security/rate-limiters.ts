import { Redis } from "ioredis";
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";

export interface RateLimitSettings {
  requestsPerMinute: number;
  apiKeyRequestsPerMinute: number;
  messagesPerMinute: number;
  /** Shared across replicas when set; in memory otherwise. */
  redisUrl?: string;
  /** Told when the Redis connection fails (the limits then hold per process until it is back). */
  onRedisError?: (error: Error) => void;
}

export interface RateLimiters {
  requests: RateLimiterAbstract;
  apiKeyRequests: RateLimiterAbstract;
  messages: RateLimiterAbstract;
  settings: RateLimitSettings;
  close(): Promise<void>;
}

export function createRateLimiters(settings: RateLimitSettings): RateLimiters {
  const redis = settings.redisUrl
    ? new Redis(settings.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: false })
    : null;
  redis?.on("error", (error: Error) => settings.onRedisError?.(error));
  const limiter = (keyPrefix: string, points: number): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({
          storeClient: redis,
          keyPrefix: `xqt5:rl:${keyPrefix}`,
          points,
          duration: 60,
          // If Redis is unreachable, limit in memory rather than fail every request.
          insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: 60 }),
        })
      : new RateLimiterMemory({ keyPrefix, points, duration: 60 });
  return {
    requests: limiter("requests", settings.requestsPerMinute),
    apiKeyRequests: limiter("api-key-requests", settings.apiKeyRequestsPerMinute),
    messages: limiter("messages", settings.messagesPerMinute),
    settings,
    close: async () => {
      redis?.disconnect();
    },
  };
}
