import { render, screen } from "@solidjs/testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { updatePreferences } from "../settings/preferences";
import type { ChatMessage } from "./conversation";
import { MessageBubble } from "./MessageBubble";

afterEach(() => updatePreferences({ language: "system" }));

const answer = (patch: Partial<ChatMessage> = {}): ChatMessage => ({
  __typename: "Message",
  id: "m2",
  chatId: "c1",
  role: "ASSISTANT",
  content: "The receipt says 12.40 €.",
  status: "COMPLETE",
  model: "openai/gpt-3.5-turbo",
  budgetFallbackFrom: null,
  clientMessageId: null,
  createdAt: "2026-12-08T10:00:00.000Z",
  error: null,
  usage: null,
  sources: [],
  attachments: [],
  imagesAsText: false,
  ...patch,
});

const bubble = (message: ChatMessage) =>
  render(() => (
    <MessageBubble
      message={message}
      isLastUser={false}
      isLastAssistant
      busy={false}
      onStop={() => {}}
      onRegenerate={() => {}}
      onEdit={async () => true}
    />
  ));

describe("an answer", () => {
  it("says under it when the model was given the text recognised in the images instead of them", () => {
    updatePreferences({ language: "en" });
    bubble(answer({ imagesAsText: true }));
    expect(
      screen.getByText("This model cannot see images: it was given the text recognised in them."),
    ).toBeInTheDocument();
  });

  it("says it in German too, and nothing when the model saw the images", () => {
    updatePreferences({ language: "de" });
    const { unmount } = bubble(answer({ imagesAsText: true }));
    expect(
      screen.getByText("Dieses Modell kann keine Bilder sehen: Es hat den darin erkannten Text erhalten."),
    ).toBeInTheDocument();
    unmount();
    bubble(answer());
    expect(screen.queryByText(/Dieses Modell kann keine Bilder sehen/)).toBeNull();
  });
});
