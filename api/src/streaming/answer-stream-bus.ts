/**
 * Carries the events of answers being generated from the generating process to every subscriber.
 * Deltas carry their offset in the answer, so a subscriber that joins late can take a snapshot and
 * then skip exactly what the snapshot already held: no gap, no duplicate; and one that sees an offset
 * beyond what it has knows that it missed something and looks at the snapshot again.
 */
export type AnswerEvent =
  | { type: "delta"; offset: number; text: string }
  /** The answer's final state is saved in the database before this is published. */
  | { type: "end" }
  /** The bus may have missed events (its connection was restored): look at the snapshot again. */
  | { type: "resync" };

export interface AnswerSnapshot {
  content: string;
  ended: boolean;
}

export type AnswerListener = (event: AnswerEvent) => void;

/**
 * The generating side never waits for the bus and is never failed by it: `open` and `append` return
 * at once and the bus publishes in order, in larger pieces when it is slower than the model (or down
 * for a while). Subscribers that miss something find it in the snapshot or, at the latest, in the
 * database.
 */
export interface AnswerStreamBus {
  /** Marks an answer as being generated here; its snapshot starts empty. */
  open(messageId: string): void;
  /** Appends generated text (the offset is computed from what was appended before). */
  append(messageId: string, text: string): void;
  /** Publishes the end after everything appended; resolves once published or given up, never rejects. */
  end(messageId: string): Promise<void>;
  /**
   * Tells every subscriber that an answer generated nowhere any more has ended (recovery of answers
   * whose process died); the database holds its final state. Never rejects.
   */
  announceEnd(messageId: string): Promise<void>;
  /** The text generated so far, or null when no process is generating it (finished or never started). */
  snapshot(messageId: string): Promise<AnswerSnapshot | null>;
  /** Listens to an answer's events; resolves once listening (events published after that arrive). */
  subscribe(messageId: string, listener: AnswerListener): Promise<() => void>;
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
  private readonly listeners = new Map<string, Set<AnswerListener>>();
  private readonly timers = new Set<NodeJS.Timeout>();

  open(messageId: string): void {
    this.answers.set(messageId, { content: "", ended: false });
  }

  append(messageId: string, text: string): void {
    const answer = this.answers.get(messageId);
    if (!answer || answer.ended) return;
    const offset = answer.content.length;
    answer.content += text;
    this.emit(messageId, { type: "delta", offset, text });
  }

  async end(messageId: string): Promise<void> {
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

  async announceEnd(messageId: string): Promise<void> {
    this.emit(messageId, { type: "end" });
  }

  async snapshot(messageId: string) {
    const answer = this.answers.get(messageId);
    return answer ? { content: answer.content, ended: answer.ended } : null;
  }

  async subscribe(messageId: string, listener: AnswerListener) {
    let set = this.listeners.get(messageId);
    if (!set) {
      set = new Set();
      this.listeners.set(messageId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(messageId) === set) this.listeners.delete(messageId);
    };
  }

  async close() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private emit(messageId: string, event: AnswerEvent) {
    for (const listener of this.listeners.get(messageId) ?? []) listener(event);
  }
}
