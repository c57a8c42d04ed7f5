import { createTransport } from "nodemailer";
import type { SmtpSettings } from "../config/env.js";

/** Sends plain-text mail (budget alerts); one message to all its recipients. */
export interface Mailer {
  send(message: { to: string[]; subject: string; text: string }): Promise<void>;
  /** Ends the pooled connections (at shutdown). */
  close(): void;
}

/** The mailer for SMTP_URL / SMTP_FROM; null when SMTP_URL is unset: the platform then sends no mail. */
export function createMailer(smtp: SmtpSettings | undefined): Mailer | null {
  if (!smtp) return null;
  // Pooled: a burst of alerts (many budgets crossing a threshold at once) reuses a few connections.
  // Short timeouts: a mail server that hangs must not hold alerts for nodemailer's default minutes.
  // Settings in the URL's query (?pool=false, ?connectionTimeout=…) win over these.
  const transport = createTransport({
    url: smtp.url,
    pool: true,
    maxConnections: 2,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send({ to, subject, text }) {
      // Nobody to tell: no connection, and no error from the server for an empty envelope.
      if (to.length === 0) return;
      await transport.sendMail({ from: smtp.from, to, subject, text });
    },
    close() {
      transport.close();
    },
  };
}
