import type { Logger } from "../observability/logger.js";
import type { ReplicaBroadcast } from "./replica-broadcast.js";

/**
 * Values loaded once per key (an organisation) and kept until a change on any replica is announced on
 * `topic`; the time limit only bounds how long a lost announcement is felt. A failed load is not kept.
 */
export class ReplicatedCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(
    private readonly options: {
      broadcast: ReplicaBroadcast;
      topic: string;
      logger: Logger;
      load: (key: string) => Promise<T>;
      ttlMs?: number;
    },
  ) {
    options.broadcast.on(options.topic, (key) => this.entries.delete(key));
  }

  get(key: string): Promise<T> {
    const cached = this.entries.get(key);
    if (cached) return cached;
    const loading = this.options.load(key).then(
      (value) => {
        setTimeout(() => {
          if (this.entries.get(key) === loading) this.entries.delete(key);
        }, this.options.ttlMs ?? 60_000).unref();
        return value;
      },
      (error: unknown) => {
        this.entries.delete(key);
        throw error;
      },
    );
    this.entries.set(key, loading);
    return loading;
  }

  /** After a change: this replica forgets at once, the others when the announcement arrives. */
  async changed(key: string): Promise<void> {
    this.entries.delete(key);
    await this.options.broadcast
      .publish(this.options.topic, key)
      .catch((error: unknown) =>
        this.options.logger.warn({ err: error, topic: this.options.topic }, "could not announce a change"),
      );
  }
}
