import { ApiKeyService } from "../api-keys/api-key-service.js";
import { type Assistants, createAssistants } from "../assistants/assistant-store.js";
import { scheduleAuditRetention } from "../audit/audit-retention.js";
import { AuditTrail } from "../audit/audit-trail.js";
import { AccessRevocations } from "../auth/access-revocations.js";
import { AccountDirectory } from "../auth/account-directory.js";
import { PasswordHasher } from "../auth/password-hasher.js";
import { AuthRateLimiter } from "../auth/rate-limit.js";
import { AuthService } from "../auth/service.js";
import { TokenSigner } from "../auth/tokens.js";
import { BudgetAlertMailer } from "../budgets/budget-alert-mailer.js";
import { BudgetGate } from "../budgets/budget-gate.js";
import { BudgetService } from "../budgets/budget-service.js";
import { scheduleBudgetSweep } from "../budgets/budget-sweeper.js";
import { ChatService } from "../chats/chat-service.js";
import type { AppConfig } from "../config/env.js";
import type { Database } from "../db/database.js";
import { AnswerRetrieval } from "../documents/answer-retrieval.js";
import { ChunkStore } from "../documents/chunk-store.js";
import { documentEmbedders } from "../documents/document-embedders.js";
import { DocumentJobs } from "../documents/document-jobs.js";
import { DocumentProcessor, type EmbedderFor } from "../documents/document-processor.js";
import { DocumentSearch } from "../documents/document-search.js";
import { DocumentService } from "../documents/document-service.js";
import { DocumentSummaries } from "../documents/document-summaries.js";
import { createExtractionPool } from "../documents/extraction/extraction-pool.js";
import { MessageImages } from "../documents/message-images.js";
import { parseEmbeddingModel } from "../embeddings/embedding-models.js";
import { GroupService } from "../groups/group-service.js";
import { createMailer } from "../mail/mailer.js";
import { AnswerControl } from "../messages/answer-control.js";
import { AnswerGenerator } from "../messages/answer-generator.js";
import { type AnswerLeaseTimes, DEFAULT_LEASE_TIMES } from "../messages/answer-lease.js";
import { AnswerRecovery } from "../messages/answer-recovery.js";
import { AnswerStarter } from "../messages/answer-starter.js";
import { BackgroundCompletion } from "../messages/background-completion.js";
import { MessageService } from "../messages/message-service.js";
import { TitleGenerator } from "../messages/title-generator.js";
import { ModelAccess } from "../models/model-access.js";
import { ModelConfigService } from "../models/model-config-service.js";
import { OrganizationModelSettings } from "../models/organization-model-settings.js";
import { NotificationService } from "../notifications/notification-service.js";
import type { Logger } from "../observability/logger.js";
import { InvitationService } from "../organizations/invitation-service.js";
import { OrganizationService } from "../organizations/organization-service.js";
import { OrganizationSettingsService } from "../organizations/organization-settings.js";
import { PeopleService } from "../people/people-service.js";
import { OrganizationProviders } from "../provider-keys/organization-providers.js";
import { ProviderKeyService } from "../provider-keys/provider-key-service.js";
import { ProviderKeyStore } from "../provider-keys/provider-key-store.js";
import type { ProviderSettings } from "../providers/settings.js";
import { createRateLimiters, type RateLimiters } from "../security/rate-limiters.js";
import type { KeyRing } from "../security/secret-box.js";
import { type AnswerStreamBus, InMemoryAnswerStreamBus } from "../streaming/answer-stream-bus.js";
import { RedisAnswerStreamBus } from "../streaming/redis-answer-stream-bus.js";
import { RedisReplicaBroadcast } from "../streaming/redis-replica-broadcast.js";
import { InMemoryReplicaBroadcast, type ReplicaBroadcast } from "../streaming/replica-broadcast.js";
import { createTemplates, type Templates } from "../templates/template-store.js";

export interface ServiceDependencies {
  config: AppConfig;
  database: Database;
  logger: Logger;
  jwtSecret: Uint8Array;
  /** Encrypts provider keys stored in the database. */
  keyRing: KeyRing;
  providerSettings: ProviderSettings;
  /** How provider keys are tested and model lists loaded (tests may route it). */
  providerFetch?: typeof fetch;
  /** Retry timing for provider calls (tests shorten it). */
  providerRetry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /** Answer lease timing (tests shorten it); see messages/answer-lease.ts. */
  answerLease?: Partial<AnswerLeaseTimes>;
  /** Silence after which a stream's subscriber looks for itself (tests shorten it). */
  followIdleCheckMs?: number;
  /** Pauses between attempts of an answer's final save (tests shorten them). */
  finalSaveDelaysMs?: readonly number[];
  /** Document job timing (tests shorten it). */
  documentJobs?: { pollMs?: number; leaseSeconds?: number; retryDelayMs?: number };
}

export interface Services {
  /** The audit log's writer: entries in the transaction of the change they record. */
  audit: AuditTrail;
  auth: AuthService;
  /** Ended sessions and keys, announced to every replica (their open streams are closed). */
  accessRevocations: AccessRevocations;
  passwords: PasswordHasher;
  signer: TokenSigner;
  /** Each organisation's providers: the environment's, overridden by keys its admins stored. */
  providers: OrganizationProviders;
  /** The one place that decides who may use which model. */
  modelAccess: ModelAccess;
  modelConfigs: ModelConfigService;
  providerKeys: ProviderKeyService;
  people: PeopleService;
  groups: GroupService;
  budgets: BudgetService;
  /** Admits provider calls against the budgets that apply (reserve, clamp, refuse). */
  budgetGate: BudgetGate;
  notifications: NotificationService;
  /** Mails budget alerts (SMTP_URL); null without mail. */
  budgetAlertMails: BudgetAlertMailer | null;
  organizationSettings: OrganizationSettingsService;
  bus: AnswerStreamBus;
  broadcast: ReplicaBroadcast;
  generator: AnswerGenerator;
  recovery: AnswerRecovery;
  chats: ChatService;
  messages: MessageService;
  titles: TitleGenerator;
  assistants: Assistants;
  templates: Templates;
  apiKeys: ApiKeyService;
  accounts: AccountDirectory;
  organizations: OrganizationService;
  invitations: InvitationService;
  rateLimiters: RateLimiters;
  documents: DocumentService;
  documentSearch: DocumentSearch;
  /** The organisation's embedder (EMBEDDING_MODEL), or null: full-text search only. */
  documentEmbedder: EmbedderFor;
  /** The durable queue of work on documents; this process takes DOCUMENT_WORKERS jobs at once. */
  documentJobs: DocumentJobs;
  close(): Promise<void>;
}

/** Builds every service once per process; resolvers reach them through the context. */
export async function createServices(deps: ServiceDependencies): Promise<Services> {
  const { config, database, logger } = deps;
  const prisma = database.prisma;
  const signer = new TokenSigner(
    deps.jwtSecret,
    config.ACCESS_TOKEN_TTL_MINUTES * 60,
    config.REFRESH_TOKEN_TTL_DAYS * 86_400,
  );
  const limiter = new AuthRateLimiter({
    perIp: config.AUTH_RATE_LIMIT_PER_IP,
    perAccount: config.AUTH_RATE_LIMIT_PER_ACCOUNT,
    windowSeconds: config.AUTH_RATE_LIMIT_WINDOW_SECONDS,
  });
  const passwords = new PasswordHasher();
  const audit = new AuditTrail(prisma, {
    enabled: config.AUDIT_LOG_ENABLED,
    forward: config.AUDIT_LOG_STDOUT
      ? (entry) => process.stdout.write(`${JSON.stringify({ audit: entry })}\n`)
      : undefined,
  });
  const auditRetention = scheduleAuditRetention(prisma, logger, config.AUDIT_RETENTION_DAYS);
  const broadcast = createBroadcast(config, logger);
  const accessRevocations = new AccessRevocations(broadcast, logger);
  const accounts = new AccountDirectory(prisma);
  const auth = new AuthService(prisma, accounts, signer, limiter, passwords, accessRevocations, audit, {
    allowRegistration: config.ALLOW_REGISTRATION,
    reuseGraceSeconds: config.REFRESH_TOKEN_REUSE_GRACE_SECONDS,
  });
  const providerKeyStore = new ProviderKeyStore(prisma, deps.keyRing);
  const providers = new OrganizationProviders(providerKeyStore, deps.providerSettings, broadcast, logger, {
    onDiscoveryError: (reason) => logger.warn({ reason }, "local model discovery failed"),
  });
  const modelSettings = new OrganizationModelSettings(prisma, broadcast, logger);
  const modelAccess = new ModelAccess({ prisma, providers, settings: modelSettings, defaults: config });
  const providerKeys = new ProviderKeyService({
    prisma,
    store: providerKeyStore,
    providers,
    keyRing: deps.keyRing,
    logger,
    audit,
    fetch: deps.providerFetch,
  });
  const bus = createBus(config, logger);
  const rateLimiters = createRateLimiters({
    requestsPerMinute: config.RATE_LIMIT_REQUESTS_PER_MINUTE,
    apiKeyRequestsPerMinute: config.RATE_LIMIT_API_KEY_REQUESTS_PER_MINUTE,
    messagesPerMinute: config.RATE_LIMIT_MESSAGES_PER_MINUTE,
    redisUrl: config.REDIS_URL,
    onRedisError: (error) => logger.warn({ err: error }, "Redis connection error (rate limits)"),
  });
  const budgetGate = new BudgetGate({ prisma, models: modelAccess, audit, logger });
  const budgetSweep = scheduleBudgetSweep(prisma, logger);
  const mailer = createMailer(config.smtp);
  const budgetAlertMails = mailer
    ? new BudgetAlertMailer({ prisma, mailer, logger, appUrl: config.PUBLIC_APP_URL ?? null })
    : null;
  budgetAlertMails?.start();
  const chunkStore = new ChunkStore(prisma);
  const documentEmbedder = documentEmbedders({
    choice: parseEmbeddingModel(config.EMBEDDING_MODEL),
    providers,
    prisma,
    logger,
  });
  const documentSearch = new DocumentSearch(prisma, chunkStore, logger);
  const retrieval = new AnswerRetrieval({
    prisma,
    search: documentSearch,
    embedderFor: documentEmbedder,
    logger,
    contextTokens: config.RETRIEVAL_CONTEXT_TOKENS,
  });
  const extractionPool = createExtractionPool({ threads: Math.max(1, config.DOCUMENT_WORKERS) });
  const documentJobs = new DocumentJobs({
    prisma,
    logger,
    concurrency: config.DOCUMENT_WORKERS,
    ...deps.documentJobs,
    handle: new DocumentProcessor({
      prisma,
      logger,
      pool: extractionPool,
      chunks: chunkStore,
      embedderFor: documentEmbedder,
      limits: { maxPages: config.DOCUMENT_MAX_PAGES },
      summaries: new DocumentSummaries({
        prisma,
        models: modelAccess,
        completion: new BackgroundCompletion({
          prisma,
          models: modelAccess,
          logger,
          budgets: budgetGate,
          providerIdleTimeoutMs: config.PROVIDER_IDLE_TIMEOUT_MS,
        }),
        logger,
        titleModel: config.TITLE_MODEL,
      }),
    }).handle,
  });
  const messageImages = new MessageImages(prisma);
  const generator = new AnswerGenerator({
    retrieval,
    images: messageImages,
    budgets: budgetGate,
    prisma,
    models: modelAccess,
    bus,
    broadcast,
    logger,
    retry: deps.providerRetry,
    providerIdleTimeoutMs: config.PROVIDER_IDLE_TIMEOUT_MS,
    lease: deps.answerLease,
    finalSaveDelaysMs: deps.finalSaveDelaysMs,
  });
  const recovery = new AnswerRecovery({
    prisma,
    bus,
    logger,
    models: modelAccess,
    generatedHere: () => generator.activeIds(),
    sweepEveryMs: { ...DEFAULT_LEASE_TIMES, ...deps.answerLease }.sweepEveryMs,
  });
  const control = new AnswerControl({
    prisma,
    bus,
    broadcast,
    generator,
    recovery,
    logger,
    idleCheckMs: deps.followIdleCheckMs,
  });
  const titles = new TitleGenerator({
    prisma,
    models: modelAccess,
    logger,
    titleModel: config.TITLE_MODEL,
    providerIdleTimeoutMs: config.PROVIDER_IDLE_TIMEOUT_MS,
    budgets: budgetGate,
  });
  const chats = new ChatService(prisma, control, modelAccess, audit);
  const starter = new AnswerStarter({
    prisma,
    models: modelAccess,
    generator,
    bus,
    titles,
    logger,
    budgets: budgetGate,
    images: messageImages,
  });
  const messages = new MessageService({
    prisma,
    chats,
    generator,
    starter,
    control,
    budgets: budgetGate,
    retrieval,
    images: messageImages,
  });
  // Every replica listens to its topics (stop requests) before it takes work.
  await broadcast.ready();
  documentJobs.start();
  const embeddingModel = parseEmbeddingModel(config.EMBEDDING_MODEL);
  if (embeddingModel && config.DOCUMENT_WORKERS > 0) {
    documentJobs.reembedFor(embeddingModel.id).then(
      (queued) =>
        queued > 0 && logger.info({ queued, model: embeddingModel.id }, "documents queued for re-embedding"),
      (error: unknown) => logger.warn({ err: error }, "could not queue documents for re-embedding"),
    );
  }
  return {
    audit,
    auth,
    passwords,
    signer,
    providers,
    modelAccess,
    modelConfigs: new ModelConfigService({
      prisma,
      access: modelAccess,
      settings: modelSettings,
      providerKeys,
      audit,
    }),
    providerKeys,
    people: new PeopleService(prisma, accessRevocations, passwords, accounts, audit),
    groups: new GroupService(prisma, modelSettings, audit),
    budgets: new BudgetService({ prisma, models: modelAccess, audit }),
    budgetGate,
    notifications: new NotificationService(prisma),
    budgetAlertMails,
    organizationSettings: new OrganizationSettingsService(prisma, modelAccess, modelSettings, audit),
    bus,
    broadcast,
    generator,
    recovery,
    chats,
    messages,
    titles,
    assistants: createAssistants(prisma, audit),
    templates: createTemplates(prisma, audit),
    apiKeys: new ApiKeyService(prisma, accounts, accessRevocations, audit),
    accounts,
    organizations: new OrganizationService(prisma, accessRevocations, audit),
    invitations: new InvitationService(prisma, accounts, audit, { ttlDays: config.INVITATION_TTL_DAYS }),
    accessRevocations,
    rateLimiters,
    documents: new DocumentService(
      prisma,
      audit,
      { maxBytes: config.UPLOAD_MAX_BYTES, quotaBytes: config.STORAGE_QUOTA_MB_PER_USER * 1024 * 1024 },
      documentJobs,
    ),
    documentSearch,
    documentEmbedder,
    documentJobs,
    close: async () => {
      await documentJobs.stop();
      await extractionPool.close();
      auditRetention.stop();
      budgetSweep.stop();
      budgetAlertMails?.stop();
      recovery.stop();
      generator.close();
      await bus.close();
      await broadcast.close();
      await rateLimiters.close();
    },
  };
}

function createBus(config: AppConfig, logger: Logger): AnswerStreamBus {
  return config.REDIS_URL
    ? new RedisAnswerStreamBus(config.REDIS_URL, logger)
    : new InMemoryAnswerStreamBus();
}

function createBroadcast(config: AppConfig, logger: Logger): ReplicaBroadcast {
  return config.REDIS_URL
    ? new RedisReplicaBroadcast(config.REDIS_URL, logger)
    : new InMemoryReplicaBroadcast();
}
