import type { SoakResult } from "./run-soak.js";

// The soak's figures as a table, then every violated invariant with its evidence.

const DETAILS_PER_INVARIANT = 8;

export function formatReport(result: SoakResult): string {
  const { options, verdict, provider, traffic, clients, ttftMs, chaos, durationsMs } = result;
  const figures = verdict.figures;
  const lines: string[] = [];
  const row = (label: string, text: string) => lines.push(`${label.padEnd(13)} ${text}`);
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const msOf = (value: number) => (Number.isFinite(value) ? `${Math.round(value)} ms` : "–");
  const list = (map: Map<string, number> | Record<string, number>) => {
    const entries = map instanceof Map ? [...map.entries()] : Object.entries(map);
    return entries.length === 0 ? "none" : entries.map(([key, count]) => `${key} ${count}`).join(", ");
  };

  lines.push(
    `XQT5 fault soak — ${options.users} users × ${options.chatsPerUser} chats × ${options.messagesPerChat} messages, ` +
      `seed ${options.seed}; 2 API replicas on Postgres + Redis; fake provider ${Math.round(options.faultRate * 100)}% faults ` +
      `(${options.faultKinds.join(", ")}), ${options.tokenDelayMs} ms per token; run ${result.runId}`,
    "",
  );
  row(
    "Sign-up",
    `${result.signIn.signedIn} of ${result.signIn.users} users signed up (or in); time to a token ` +
      `p50 ${msOf(result.signIn.ms.p50)}, p99 ${msOf(result.signIn.ms.p99)}`,
  );
  row(
    "Messages",
    `planned ${figures.messagesPlanned}, sent (acknowledged) ${figures.messagesAcknowledged}, stored ${figures.userMessagesStored}`,
  );
  row(
    "Answers",
    `${list(figures.answersByStatus)} — not terminal ${seconds(options.settleMs)} after the run: ${figures.notTerminal}`,
  );
  row(
    "Texts",
    `subscriber text vs saved content compared ${figures.textsCompared}, mismatches ${figures.textMismatches}; ` +
      `failed answers that kept less than the provider had sent: ${figures.failedTailsLost.answers} ` +
      `(${figures.failedTailsLost.chars} chars in all)`,
  );
  row(
    "Provider",
    `calls ${provider.calls} (answers ${figures.chatCalls}, titles ${figures.titleCalls}), with tokens ${provider.callsWithTokens}; ` +
      `faults ${list(provider.byFault)}; outcomes ${list(provider.byOutcome)}`,
  );
  row(
    "Billing",
    `usage rows ${figures.usageRows.chat} chat + ${figures.usageRows.title} title = ${figures.usageRows.chat + figures.usageRows.title} ` +
      `vs ${figures.billableCalls} billable calls (tokens written, or cut off by the API) — mismatches ${figures.billingMismatches}, calls still open ${figures.callsStillOpen}`,
  );
  row(
    "HTTP",
    `requests ${traffic.requests}; 5xx ${traffic.serverErrors.length} ` +
      `(of them 503 from a draining replica: ${traffic.draining503} ${list(traffic.drainingByLabel)}); ` +
      `connection errors: ${list(traffic.connectionErrors)}; sent while no replica was ready: ${traffic.picksWithNoneReady}`,
  );
  row(
    "Statuses",
    list(new Map([...traffic.byStatus.entries()].sort(([a], [b]) => a - b).map(([k, v]) => [String(k), v]))),
  );
  row("GraphQL", `errors ${list(traffic.graphqlErrors)}; INTERNAL ${traffic.internalErrors.length}`);
  row(
    "Clients",
    `drops ${clients.drops} (resubscribed on the other replica ${clients.crossReplicaAfterDrop}), resubscribed after the ` +
      `server ended the stream ${clients.resubscribedAfterServerEnd}, after an error ${clients.resubscribedAfterError}; ` +
      `stops ${clients.stopsRequested}; lost send responses ${clients.lostResponses}; send retries ${clients.sendRetries}; ` +
      `gave up waiting ${clients.gaveUp}`,
  );
  row(
    "TTFT",
    `p50 ${msOf(ttftMs.all.p50)}, p99 ${msOf(ttftMs.all.p99)} (${ttftMs.all.count} answers, send → first delta at the client); ` +
      `without a provider fault p50 ${msOf(ttftMs.withoutFault.p50)}, p99 ${msOf(ttftMs.withoutFault.p99)}; ` +
      `sent during the sign-up burst p50 ${msOf(ttftMs.duringSignUps.p50)}, p99 ${msOf(ttftMs.duringSignUps.p99)} ` +
      `(${ttftMs.duringSignUps.count}), after it p50 ${msOf(ttftMs.afterSignUps.p50)}, p99 ${msOf(ttftMs.afterSignUps.p99)} (${ttftMs.afterSignUps.count})`,
  );
  row(
    "Peak RSS",
    result.replicas
      .map((replica) => `${replica.label} ${(replica.peakRssBytes / 1024 / 1024).toFixed(0)} MB`)
      .join(", "),
  );
  row(
    "Event loop",
    result.replicas
      .map(
        (replica) =>
          `${replica.label} worst ${(replica.peakLoopDelayMs / 1000).toFixed(2)} s` +
          (replica.peakLoopDelayAt
            ? ` (${new Date(replica.peakLoopDelayAt).toISOString().slice(11, 19)})`
            : ""),
      )
      .join(", "),
  );
  row(
    "Postgres",
    `peak sessions ${result.postgres.connections}, waiting on a lock ${result.postgres.waitingOnLocks}, ` +
      `idle in transaction ${result.postgres.idleInTransaction}`,
  );
  row(
    "Crashes",
    result.crashes.length === 0
      ? "none"
      : result.crashes
          .map(
            (crash) =>
              `${crash.label} at ${crash.at.slice(11, 23)} (exit ${crash.exitCode ?? crash.signal}, restarted as ${crash.restartedAs ?? "–"})`,
          )
          .join(", "),
  );
  row(
    "SIGTERM",
    chaos.sigterm
      ? `to B at ${chaos.sigterm.atSeconds.toFixed(1)} s (${chaos.sigterm.at.slice(11, 23)}, ${Math.round(chaos.sigterm.atShare * 100)}% sent, ` +
          `${chaos.sigterm.answersInProgress} answers being followed): drained in ${seconds(chaos.sigterm.drainMs)}, ` +
          `exit ${chaos.sigterm.exitCode}, restarted (B2) ready ${seconds(chaos.sigterm.restartMs)} later`
      : "did not happen",
  );
  row(
    "Redis",
    chaos.redisRestart
      ? `restarted at ${chaos.redisRestart.atSeconds.toFixed(1)} s (${chaos.redisRestart.at.slice(11, 23)}, ${Math.round(chaos.redisRestart.atShare * 100)}% sent, ` +
          `${chaos.redisRestart.answersInProgress} answers being followed), down ${seconds(chaos.redisRestart.downMs)}, ` +
          `${options.redisPersist ? "data kept" : "came back empty (no persistence)"}`
      : "did not happen",
  );
  row(
    "Duration",
    `setup ${seconds(durationsMs.setup)}, run ${seconds(durationsMs.run)}, settle ${seconds(durationsMs.settle)}`,
  );
  lines.push("");

  const byInvariant = new Map<string, typeof result.violations>();
  for (const violation of result.violations) {
    const list = byInvariant.get(violation.invariant) ?? [];
    list.push(violation);
    byInvariant.set(violation.invariant, list);
  }
  if (byInvariant.size === 0) {
    lines.push("All invariants hold.");
  } else {
    lines.push(`${byInvariant.size} invariants violated (${result.violations.length} violations):`);
    for (const [invariant, violations] of byInvariant) {
      lines.push("", `✗ ${invariant}: ${violations.length}`);
      for (const violation of violations.slice(0, DETAILS_PER_INVARIANT)) {
        lines.push(`    - ${violation.detail}`);
        for (const line of result.logEvidence.get(violation) ?? []) lines.push(`        log ${line}`);
      }
      if (violations.length > DETAILS_PER_INVARIANT) {
        lines.push(`    … and ${violations.length - DETAILS_PER_INVARIANT} more`);
      }
    }
    const warnings = result.logSummary.slice(0, 15);
    if (warnings.length > 0) {
      lines.push("", "API log lines at warn and above, most frequent first:");
      for (const entry of warnings)
        lines.push(`  ${String(entry.count).padStart(6)} × ${entry.label} ${entry.level}: ${entry.message}`);
    }
  }
  lines.push(
    "",
    `Logs of every API process, the provider's call log and the clients' records: ${result.logDir}` +
      (options.keepDatabase ? `; database kept: ${result.database}` : ""),
  );
  return lines.join("\n");
}
