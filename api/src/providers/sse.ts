import { createParser } from "eventsource-parser";

export interface SseMessage {
  /** The `event:` field; undefined for plain `data:` events. */
  event?: string;
  data: string;
  /**
   * True for text that was not SSE at all (lines without a known field), joined by "\n". Gemini can end an
   * `alt=sse` stream with a raw JSON error object, so callers get the chance to read it.
   */
  unframed?: true;
}

/**
 * Reads a server-sent-events body incrementally. Handles `\n`, `\r\n` and `\r` line endings, comments
 * (`: ping`), unknown event names and chunk boundaries anywhere, including inside a UTF-8 character
 * (the decoder keeps partial characters until the next chunk).
 * Stopping the iteration early cancels the body, which releases the connection. `onChunk` hears of
 * every chunk of bytes, comments included (a sign of life while a model thinks).
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  onChunk?: () => void,
): AsyncGenerator<SseMessage> {
  const ready: SseMessage[] = [];
  let unframedLines: string[] = [];
  const flushUnframed = () => {
    if (unframedLines.length > 0) {
      ready.push({ data: unframedLines.join("\n"), unframed: true });
      unframedLines = [];
    }
  };
  const parser = createParser({
    onEvent: (message) => {
      flushUnframed();
      ready.push(
        message.event === undefined ? { data: message.data } : { event: message.event, data: message.data },
      );
    },
    onError: (error) => {
      if (error.type === "unknown-field" && error.line !== undefined) unframedLines.push(error.line);
    },
  });
  const decoder = new TextDecoder("utf-8");
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      onChunk?.();
      parser.feed(decoder.decode(value, { stream: true }));
      yield* ready.splice(0);
    }
    // A final event without its blank line still counts; an incomplete last line is completed first.
    parser.feed(`${decoder.decode()}\n\n`);
    flushUnframed();
    finished = true;
    yield* ready.splice(0);
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
