import type { AnswerEvent, AnswerSnapshot, AnswerStreamBus } from "./answer-stream-bus.js";

export type FollowEvent<Final> = { type: "delta"; text: string } | { type: "final"; message: Final };

export interface SavedAnswer<Final> {
  message: Final;
  content: string;
  /** Still being generated, as far as the database knows. */
  streaming: boolean;
}

export interface FollowOptions<Final> {
  bus: AnswerStreamBus;
  messageId: string;
  /** Reads the answer as saved (and settles an answer whose generator is gone, see AnswerRecovery). */
  load(): Promise<SavedAnswer<Final>>;
  signal?: AbortSignal;
  /**
   * Silence after which the subscriber looks for itself (default 10 s): an event lost on the way (a
   * Redis restart) is made up for, and an answer that ended unseen still ends for this subscriber.
   */
  idleCheckMs?: number;
}

const DEFAULT_IDLE_CHECK_MS = 10_000;

/**
 * Follows one answer for one subscriber. Whenever it joins, the texts of the deltas it yields add up
 * to the final content: it starts listening, takes a snapshot (everything so far, as its first
 * delta), then passes on only the part of each later delta beyond what it has already sent. When a
 * delta starts beyond that (something was missed), on a resync and after a silence it takes the
 * snapshot again, and the database has the last word on whether the answer has ended.
 */
export async function* followAnswer<Final>(
  options: FollowOptions<Final>,
): AsyncGenerator<FollowEvent<Final>> {
  const { bus, messageId, signal } = options;
  const idleCheckMs = options.idleCheckMs ?? DEFAULT_IDLE_CHECK_MS;
  const queue: AnswerEvent[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = await bus.subscribe(messageId, (event) => {
    queue.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  let sent = 0;
  const beyondSent = (content: string) => {
    const text = content.length > sent ? content.slice(sent) : "";
    sent = Math.max(sent, content.length);
    return text;
  };

  /**
   * Where the answer stands now: text not sent yet, and its final state if it has ended. `deep` also
   * asks the database while the bus says the answer goes on (its generator may have died).
   */
  const look = async (deep = false): Promise<{ text: string; final?: Final }> => {
    const snapshot = await bus.snapshot(messageId).catch((): AnswerSnapshot | null => null);
    if (snapshot && !snapshot.ended && !deep) return { text: beyondSent(snapshot.content) };
    const saved = await options.load();
    // Ended (or never known to the bus): the saved state decides. An end whose final save has not
    // landed yet is looked at again later.
    if (!saved.streaming) return { text: beyondSent(saved.content), final: saved.message };
    return { text: beyondSent(snapshot?.content ?? saved.content) };
  };

  try {
    let current = await look();
    for (;;) {
      if (current.text) yield { type: "delta", text: current.text };
      if (current.final !== undefined) {
        yield { type: "final", message: current.final };
        return;
      }
      if (signal?.aborted) return;
      const event = queue.shift() ?? (await nextEvent());
      if (signal?.aborted) return;
      if (event?.type === "delta" && event.offset <= sent) {
        current = { text: mergedDelta(event) };
      } else {
        // A gap, a resync, the end or a long silence: look again. What is queued so far was published
        // before the snapshot is read, so the snapshot holds it.
        queue.length = 0;
        current = await look(event === undefined);
      }
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    unsubscribe();
  }

  /** The next event, or undefined after `idleCheckMs` of silence (or an abort). */
  function nextEvent(): Promise<AnswerEvent | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve(undefined);
      }, idleCheckMs);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve(queue.shift());
      };
    });
  }

  /**
   * The text of this delta and of the contiguous ones queued behind it, beyond what was sent: when
   * tokens arrive faster than a client takes them, it gets fewer, larger events instead of falling behind.
   */
  function mergedDelta(event: Extract<AnswerEvent, { type: "delta" }>): string {
    let { offset, text } = event;
    for (
      let next = queue[0];
      next?.type === "delta" && next.offset === offset + text.length;
      next = queue[0]
    ) {
      text += next.text;
      queue.shift();
    }
    const end = offset + text.length;
    if (end <= sent) return "";
    const fresh = text.slice(sent - offset);
    sent = end;
    return fresh;
  }
}
