import { afterEach, describe, expect, it } from "vitest";
import { type SmtpTestServer, startSmtpTestServer } from "../../test/support/smtp-test-server.js";
import { createMailer, type Mailer } from "./mailer.js";

describe("createMailer", () => {
  let server: SmtpTestServer | undefined;
  let mailer: Mailer | null = null;
  afterEach(async () => {
    // The pool's connections first: the server waits for open ones before it closes.
    mailer?.close();
    await server?.close();
  });

  it("sends over SMTP: the server receives sender, recipients, subject and text", async () => {
    server = await startSmtpTestServer();
    mailer = createMailer({ url: server.url, from: "XQT5 Alerts <alerts@example.com>" });
    await mailer?.send({
      to: ["anna@example.com", "ben@example.com"],
      subject: "Budget für Gruppe Vertrieb: 80 % erreicht",
      text: "Das Budget für Gruppe Vertrieb hat 80 % erreicht.\n\nThe budget has reached 80 %.\n",
    });
    const [mail, ...others] = await server.waitFor(1);
    expect(others).toEqual([]);
    expect(mail).toEqual({
      from: '"XQT5 Alerts" <alerts@example.com>',
      to: ["anna@example.com", "ben@example.com"],
      recipients: ["anna@example.com", "ben@example.com"],
      subject: "Budget für Gruppe Vertrieb: 80 % erreicht",
      text: "Das Budget für Gruppe Vertrieb hat 80 % erreicht.\n\nThe budget has reached 80 %.\n",
    });
  });

  it("sends several messages over the pooled connection", async () => {
    server = await startSmtpTestServer();
    mailer = createMailer({ url: server.url, from: "alerts@example.com" });
    await Promise.all(
      [1, 2, 3].map((n) =>
        mailer?.send({ to: [`user${n}@example.com`], subject: `Mail ${n}`, text: `${n}` }),
      ),
    );
    const mails = await server.waitFor(3);
    expect(mails.map((mail) => mail.subject).sort()).toEqual(["Mail 1", "Mail 2", "Mail 3"]);
    expect(mails.every((mail) => mail.from === "alerts@example.com")).toBe(true);
  });

  it("sends nothing to nobody", async () => {
    server = await startSmtpTestServer();
    mailer = createMailer({ url: server.url, from: "alerts@example.com" });
    await mailer?.send({ to: [], subject: "nobody", text: "nobody" });
    expect(server.messages).toEqual([]);
  });

  it("rejects when the mail server cannot be reached", async () => {
    server = await startSmtpTestServer();
    const url = server.url;
    await server.close();
    server = undefined;
    mailer = createMailer({ url, from: "alerts@example.com" });
    await expect(mailer?.send({ to: ["anna@example.com"], subject: "s", text: "t" })).rejects.toThrow();
  });

  it("is null without SMTP settings: no mail is sent", () => {
    expect(createMailer(undefined)).toBeNull();
  });
});
