import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A message as the test mail server received it. */
export interface ReceivedMail {
  /** The From header as written (`XQT5 <alerts@example.com>`). */
  from: string;
  /** The addresses of the To header. */
  to: string[];
  /** The envelope's recipients (RCPT TO): who the message was delivered to. */
  recipients: string[];
  subject: string;
  text: string;
}

export interface SmtpTestServer {
  /** smtp://127.0.0.1:<port>, for SMTP_URL. */
  url: string;
  /** Every message received so far, in order. */
  messages: ReceivedMail[];
  /** Resolves with the messages once at least `count` have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

/**
 * A real SMTP server on a random local port: mail goes over the wire as in production. No TLS and
 * no authentication (STARTTLS is not offered, so the client sends in plain text).
 */
export async function startSmtpTestServer(): Promise<SmtpTestServer> {
  const messages: ReceivedMail[] = [];
  const failures: Error[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const recipients = session.envelope.rcptTo.map((recipient) => recipient.address);
      simpleParser(stream).then(
        (mail) => {
          const to = [mail.to ?? []]
            .flat()
            .flatMap((group) => group.value.map((entry) => entry.address ?? ""));
          messages.push({
            from: mail.from?.text ?? "",
            to,
            recipients,
            subject: mail.subject ?? "",
            text: mail.text ?? "",
          });
          callback();
        },
        (error: Error) => {
          // Kept for waitFor: a message that cannot be parsed fails the test instead of timing out.
          failures.push(error);
          callback(error);
        },
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (failures.length > 0) throw failures[0];
        if (Date.now() > deadline) {
          throw new Error(`expected ${count} mail(s) within ${timeoutMs} ms, received ${messages.length}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return messages.slice();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
