import type { AnswerEvent, AnswerStreamBus } from "./answer-stream-bus.js";

export type FollowEvent<Final> = { type: "delta"; text: string } | { type: "final"; message: Final };

export interface FollowOptions<Final> {
  bus: AnswerStreamBus;
  messageId: string;
  /** Reads the answer as saved: its content and whether it is still being generated. */
  load(): Promise<{ message: Final; content: string; streaming: boolean }>;
  signal?: AbortSignal;
}

/**
 * Follows one answer for one subscriber. Whenever it joins, the texts of the deltas it yields add up
 * to the final content: it starts listening, takes a snapshot (everything so far, as its first
 * delta), then passes on only the part of each later delta beyond what it has already sent.
 */
export async function* followAnswer<Final>(
  options: FollowOptions<Final>,
): AsyncGenerator<FollowEvent<Final>> {
  const { bus, messageId } = options;
  const queue: AnswerEvent[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = await bus.subscribe(messageId, (event) => {
    queue.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  options.signal?.addEventListener("abort", onAbort);
  try {
    let sent = 0;
    const snapshot = await bus.snapshot(messageId);
    if (!snapshot) {
      // Not being generated anywhere: the database has the whole answer.
      const saved = await options.load();
      if (saved.content) yield { type: "delta", text: saved.content };
      if (!saved.streaming) {
        yield { type: "final", message: saved.message };
        return;
      }
      sent = saved.content.length;
    } else {
      if (snapshot.content) yield { type: "delta", text: snapshot.content };
      sent = snapshot.content.length;
      if (snapshot.ended) {
        yield { type: "final", message: (await options.load()).message };
        return;
      }
    }
    while (!options.signal?.aborted) {
      const event = queue.shift();
      if (!event) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      if (event.type === "end") {
        yield { type: "final", message: (await options.load()).message };
        return;
      }
      // Deltas that queued up while this subscriber was busy go out as one event: when tokens arrive
      // faster than a client takes them, it gets fewer, larger events instead of falling behind.
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
      if (end > sent) {
        yield { type: "delta", text: text.slice(Math.max(0, sent - offset)) };
        sent = end;
      }
    }
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    unsubscribe();
  }
}
