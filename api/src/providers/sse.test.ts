import { describe, expect, it } from "vitest";
import { ANTHROPIC_STREAM, GEMINI_STREAM } from "../../test/fake-provider/recorded-shapes.js";
import { readServerSentEvents, type SseMessage } from "./sse.js";

// The SSE reader on its own: byte streams built in memory, cut at every possible place.

function streamOf(chunks: Uint8Array[], onCancel?: () => void): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[index++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
    cancel: onCancel,
  });
}

async function readAll(chunks: Uint8Array[]): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  for await (const message of readServerSentEvents(streamOf(chunks))) messages.push(message);
  return messages;
}

const encoder = new TextEncoder();

// Gemini framing (\r\n\r\n, multi-byte text), a comment, an unknown event type and Anthropic framing (\n\n).
const MIXED_STREAM = `${GEMINI_STREAM}: ping — keep-alive ✓\r\n\r\nevent: future_event\r\ndata: {"neu":"Größe ≥ 3 🧪"}\r\n\r\n${ANTHROPIC_STREAM}`;
const MIXED_BYTES = encoder.encode(MIXED_STREAM);

describe("readServerSentEvents", () => {
  it("reads the recorded shapes in one chunk", async () => {
    const messages = await readAll([MIXED_BYTES]);
    expect(messages).toHaveLength(3 + 1 + 8);
    expect(messages.slice(0, 3).every((message) => message.event === undefined)).toBe(true);
    expect(JSON.parse(messages[0]?.data ?? "")).toMatchObject({
      candidates: [{ content: { parts: [{ text: "Grüße aus Köln 👋\n1\n2\n" }] } }],
    });
    expect(messages[3]).toEqual({ event: "future_event", data: '{"neu":"Größe ≥ 3 🧪"}' });
    expect(messages.slice(4).map((message) => message.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    // Padding inside the JSON is kept; JSON.parse copes with it.
    expect(messages.at(-1)?.data).toBe('{"type":"message_stop"    }');
    expect(MIXED_BYTES.length).toBeGreaterThan(MIXED_STREAM.length);
  });

  it("gives identical events when split at every byte offset", async () => {
    const expected = await readAll([MIXED_BYTES]);
    for (let offset = 0; offset <= MIXED_BYTES.length; offset++) {
      const split = await readAll([MIXED_BYTES.subarray(0, offset), MIXED_BYTES.subarray(offset)]);
      if (JSON.stringify(split) !== JSON.stringify(expected)) {
        expect.fail(
          `split at byte ${offset} (${JSON.stringify(MIXED_STREAM.slice(Math.max(0, offset - 5), offset + 5))})`,
        );
      }
    }
  });

  it("gives identical events when fed one byte at a time", async () => {
    const expected = await readAll([MIXED_BYTES]);
    const bytes = Array.from(MIXED_BYTES, (_, index) => MIXED_BYTES.subarray(index, index + 1));
    expect(await readAll(bytes)).toEqual(expected);
  });

  it("joins multi-line data with \\n and accepts lone \\r line ends", async () => {
    const messages = await readAll([encoder.encode("data: eins\rdata: zwei\r\rdata: drei\n\n")]);
    expect(messages).toEqual([{ data: "eins\nzwei" }, { data: "drei" }]);
  });

  it("delivers a last event that lacks its blank line", async () => {
    expect(await readAll([encoder.encode('data: {"a":1}\n\ndata: [DONE]')])).toEqual([
      { data: '{"a":1}' },
      { data: "[DONE]" },
    ]);
  });

  it("returns text that is not SSE as one unframed message (Gemini's raw error tail)", async () => {
    const tail = '{\n  "error": {\n    "code": 503,\n    "status": "UNAVAILABLE"\n  }\n}\n';
    const messages = await readAll([encoder.encode(`data: {"x":1}\r\n\r\n${tail}`)]);
    expect(messages).toEqual([{ data: '{"x":1}' }, { data: tail.trimEnd(), unframed: true }]);
    expect(JSON.parse(messages[1]?.data ?? "")).toEqual({ error: { code: 503, status: "UNAVAILABLE" } });
  });

  it("cancels the body when the reader stops early", async () => {
    let cancelled = false;
    const body = streamOf([encoder.encode("data: 1\n\n"), encoder.encode("data: 2\n\n")], () => {
      cancelled = true;
    });
    for await (const message of readServerSentEvents(body)) {
      expect(message.data).toBe("1");
      break;
    }
    expect(cancelled).toBe(true);
  });
});
