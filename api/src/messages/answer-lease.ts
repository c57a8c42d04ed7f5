/**
 * An answer row in `streaming` state carries a lease (chat_messages.lease_expires_at): its generator
 * renews it while it runs, so an answer whose lease has run out has no generator any more, whatever
 * its age or silence. Renewal comes well before expiry; recovery looks regularly.
 */
export interface AnswerLeaseTimes {
  /** How long a lease lasts from its last renewal. */
  durationMs: number;
  /** How often a generator renews its answers' leases. */
  renewEveryMs: number;
  /** How often every replica looks for answers whose lease has run out. */
  sweepEveryMs: number;
}

export const DEFAULT_LEASE_TIMES: AnswerLeaseTimes = {
  durationMs: 30_000,
  renewEveryMs: 10_000,
  sweepEveryMs: 15_000,
};
