/**
 * Carries the events of answers being generated from the generating process to every subscriber.
 * Deltas carry their offset in the answer, so a subscriber that joins late can take a snapshot and
 * then skip exactly what the snapshot already held: no gap, no duplicate.
 */
export type AnswerEvent =
  | { type: "delta"; offset: number; text: string }
  /** The answer's final state is saved in the database before this is published. */
  | { type: "end" };

export interface AnswerSnapshot {
  content: string;
  ended: boolean;
}

export interface AnswerStreamBus {
  /** Marks an answer as being generated here; its snapshot starts empty. */
  open(messageId: string): Promise<void>;
  /** Appends generated text (the offset is computed from what was appended before). */
  append(messageId: string, text: string): Promise<void>;
  end(messageId: string): Promise<void>;
  /** The text generated so far, or null when no process is generating it (finished or never started). */
  snapshot(messageId: string): Promise<AnswerSnapshot | null>;
  /** Listens to an answer's events; resolves once listening (events published after that arrive). */
  subscribe(messageId: string, listener: (event: AnswerEvent) => void): Promise<() => void>;
  /** Asks whichever process generates the answer to stop it. */
  requestStop(messageId: string): Promise<void>;
  /** Registers this process's handler for stop requests. */
  onStopRequest(handler: (messageId: string) => void): void;
  close(): Promise<void>;
}

interface LocalAnswer {
  content: string;
  ended: boolean;
}

// How long a finished answer's snapshot is kept, for subscribers racing the end.
const ENDED_RETENTION_MS = 30_000;

/** One process: events fan out in memory. */
export class InMemoryAnswerStreamBus implements AnswerStreamBus {
  private readonly answers = new Map<string, LocalAnswer>();
  private readonly listeners = new Map<string, Set<(event: AnswerEvent) => void>>();
  private stopHandler: ((messageId: string) => void) | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();

  async open(messageId: string) {
    this.answers.set(messageId, { content: "", ended: false });
  }

  async append(messageId: string, text: string) {
    const answer = this.answers.get(messageId);
    if (!answer || answer.ended) return;
    const offset = answer.content.length;
    answer.content += text;
    this.emit(messageId, { type: "delta", offset, text });
  }

  async end(messageId: string) {
    const answer = this.answers.get(messageId);
    if (answer) answer.ended = true;
    this.emit(messageId, { type: "end" });
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.answers.delete(messageId);
    }, ENDED_RETENTION_MS);
    timer.unref();
    this.timers.add(timer);
  }

  async snapshot(messageId: string) {
    const answer = this.answers.get(messageId);
    return answer ? { content: answer.content, ended: answer.ended } : null;
  }

  async subscribe(messageId: string, listener: (event: AnswerEvent) => void) {
    let set = this.listeners.get(messageId);
    if (!set) {
      set = new Set();
      this.listeners.set(messageId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(messageId);
    };
  }

  async requestStop(messageId: string) {
    this.stopHandler?.(messageId);
  }

  onStopRequest(handler: (messageId: string) => void) {
    this.stopHandler = handler;
  }

  async close() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private emit(messageId: string, event: AnswerEvent) {
    for (const listener of this.listeners.get(messageId) ?? []) listener(event);
  }
}
