import { afterEach, describe, expect, it } from "vitest";
import { InMemoryAnswerStreamBus } from "./answer-stream-bus.js";
import { type FollowEvent, followAnswer } from "./follow-answer.js";

const bus = new InMemoryAnswerStreamBus();
afterEach(() => bus.close());

function follow(messageId: string) {
  return followAnswer<string>({
    bus,
    messageId,
    load: async () => ({ message: "saved", content: "", streaming: false }),
  });
}

async function rest(events: AsyncGenerator<FollowEvent<string>>): Promise<FollowEvent<string>[]> {
  const collected: FollowEvent<string>[] = [];
  for await (const event of events) collected.push(event);
  return collected;
}

describe("followAnswer", () => {
  it("sends deltas that queued up while the subscriber was busy as one", async () => {
    await bus.open("m1");
    await bus.append("m1", "Hallo");
    const events = follow("m1");
    expect(await events.next()).toEqual({ done: false, value: { type: "delta", text: "Hallo" } });
    // The subscriber is busy (not pulling) while three tokens and the end arrive.
    await bus.append("m1", " Welt");
    await bus.append("m1", ", wie");
    await bus.append("m1", " geht's?");
    await bus.end("m1");
    expect(await rest(events)).toEqual([
      { type: "delta", text: " Welt, wie geht's?" },
      { type: "final", message: "saved" },
    ]);
  });

  it("sends each delta on its own when the subscriber keeps up", async () => {
    await bus.open("m2");
    const events = follow("m2");
    const first = events.next();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await bus.append("m2", "eins");
    expect((await first).value).toEqual({ type: "delta", text: "eins" });
    const second = events.next();
    await bus.append("m2", " zwei");
    expect((await second).value).toEqual({ type: "delta", text: " zwei" });
    await bus.end("m2");
    expect(await rest(events)).toEqual([{ type: "final", message: "saved" }]);
  });
});
