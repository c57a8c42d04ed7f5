/**
 * Short control messages to every replica of this deployment (this one included): "stop this answer",
 * "this session has ended". Handlers are per topic; a message nobody handles is dropped.
 */
export interface ReplicaBroadcast {
  /** Delivers `message` to the handlers of `topic` on every replica; rejects when it cannot be sent. */
  publish(topic: string, message: string): Promise<void>;
  /** Registers this replica's handler for `topic`. */
  on(topic: string, handler: (message: string) => void): void;
  /** Resolves once every topic registered so far is listened to. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** One process: the handlers are called in place. */
export class InMemoryReplicaBroadcast implements ReplicaBroadcast {
  private readonly handlers = new Map<string, ((message: string) => void)[]>();

  async publish(topic: string, message: string): Promise<void> {
    for (const handler of this.handlers.get(topic) ?? []) handler(message);
  }

  on(topic: string, handler: (message: string) => void): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {}
}
