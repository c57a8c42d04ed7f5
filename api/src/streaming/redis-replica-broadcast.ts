import { Redis } from "ioredis";
import type { Logger } from "../observability/logger.js";
import type { ReplicaBroadcast } from "./replica-broadcast.js";

const PREFIX = "xqt5:replicas:";

/** Several replicas: one Redis channel per topic, subscribed by every replica. */
export class RedisReplicaBroadcast implements ReplicaBroadcast {
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, ((message: string) => void)[]>();
  private readonly subscribing: Promise<unknown>[] = [];

  constructor(url: string, logger?: Logger) {
    this.commands = new Redis(url, { maxRetriesPerRequest: 1 });
    // No ready check on a subscriber connection (ioredis#2037, see RedisAnswerStreamBus).
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: false });
    this.subscriber.on("message", (channel: string, message: string) => {
      for (const handler of this.handlers.get(channel.slice(PREFIX.length)) ?? []) handler(message);
    });
    for (const connection of [this.commands, this.subscriber]) {
      connection.on("error", (error: Error) =>
        logger?.warn({ err: error }, "Redis connection error (replica broadcast)"),
      );
    }
  }

  async publish(topic: string, message: string): Promise<void> {
    await this.commands.publish(PREFIX + topic, message);
  }

  /** Subscribes once per topic; ioredis subscribes again by itself after a reconnect. */
  on(topic: string, handler: (message: string) => void): void {
    const known = this.handlers.get(topic);
    this.handlers.set(topic, [...(known ?? []), handler]);
    if (!known) this.subscribing.push(this.subscriber.subscribe(PREFIX + topic));
  }

  async ready(): Promise<void> {
    await Promise.all(this.subscribing);
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.commands.disconnect();
  }
}
