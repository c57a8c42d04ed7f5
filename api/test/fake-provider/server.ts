import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicFormat } from "./anthropic-format.js";
import {
  azureEmbeddings,
  type EmbeddingsFormat,
  googleEmbeddings,
  isEmbeddingsCall,
  mistralEmbeddings,
  ollamaNativeEmbeddings,
  ollamaOpenAiEmbeddings,
  openAiEmbeddings,
} from "./embeddings-formats.js";
import {
  type CallCounts,
  countCalls,
  createFaultInjector,
  endCall,
  type FakeCall,
  type FaultOptions,
} from "./faults.js";
import { googleFormat } from "./google-format.js";
import { modelListReply } from "./model-lists.js";
import { azureFormat, mistralFormat, ollamaFormat, openAiFormat, xaiFormat } from "./openai-formats.js";
import {
  applyMarkers,
  DEFAULT_SCENARIO,
  defaultReply,
  markerStatus,
  markersIn,
  piecesUpTo,
  piecesWithinTokens,
  resolveUsage,
  splitIntoPieces,
} from "./scenario.js";
import { jsonReply, retryAfterHeader, seededRandom } from "./sse-format.js";
import {
  type FakeProviderId,
  isJsonReply,
  type JsonReply,
  type ParsedRequest,
  type Scenario,
  type StreamPlan,
  type WireFormat,
} from "./types.js";
import { writeStream } from "./writer.js";

// A real HTTP server that speaks every provider's streaming wire format and answers its model list and
// embeddings, for tests without network. Each provider lives under its own path prefix; `baseUrls` gives the values for the
// *_BASE_URL variables.

export type { CallCounts, FakeCall, FaultKind, FaultOptions } from "./faults.js";
export type { FakeProviderId, Scenario } from "./types.js";

export interface RecordedRequest {
  provider: FakeProviderId;
  method: string;
  /** Path (and query) below the provider's base URL, e.g. "/v1/messages". */
  path: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** Parsed JSON body; undefined for GET requests or invalid JSON. */
  body: unknown;
}

export interface FakeProviderServer {
  url: string;
  baseUrls: Record<FakeProviderId, string>;
  apiKey: string;
  requests: RecordedRequest[];
  /** Streamed responses still open (e.g. stalled ones); 0 once every client has gone or finished. */
  activeStreamCount(): number;
  /** With `faults`: every answer call in order of arrival, its fault and the text it wrote; else empty. */
  calls: FakeCall[];
  /** Totals over `calls`. */
  callCounts(): CallCounts;
  setScenario(scenario: Partial<Scenario>): void;
  reset(): void;
  close(): Promise<void>;
}

export interface FakeProviderServerOptions {
  port?: number;
  /** Names served by the Ollama model list (default llama3.2:latest and qwen3:8b). */
  ollamaModels?: string[];
  /**
   * Seeded random faults on (chat) answer calls (see faults.ts); scenario failures and markers still come
   * first. Without it, no call is changed or logged. Embedding calls get scenario failures and markers only.
   */
  faults?: FaultOptions;
}

interface Route {
  provider: FakeProviderId;
  prefix: string;
  method: "GET" | "POST";
  /** Matched against the path below the prefix; group 1 is the model (Gemini) or deployment (Azure). */
  pattern: RegExp;
  /** Its key check applies to all routes, its error bodies to chat and embeddings, its stream to chat only. */
  format: WireFormat;
  /** A streamed chat answer, the provider's model list (model-lists.ts) or embeddings (embeddings-formats.ts). */
  serves: "chat" | "models" | "embeddings";
  /** Set on embeddings routes. */
  embeddings?: EmbeddingsFormat;
}

const ROUTES: Route[] = [
  chat("openai", "/openai/v1", /^\/chat\/completions$/, openAiFormat),
  models("openai", "/openai/v1", /^\/models$/, openAiFormat),
  embeddings("openai", "/openai/v1", /^\/embeddings$/, openAiFormat, openAiEmbeddings),
  chat("xai", "/xai/v1", /^\/chat\/completions$/, xaiFormat),
  models("xai", "/xai/v1", /^\/models$/, xaiFormat),
  chat("mistral", "/mistral", /^\/v1\/chat\/completions$/, mistralFormat),
  models("mistral", "/mistral", /^\/v1\/models$/, mistralFormat),
  embeddings("mistral", "/mistral", /^\/v1\/embeddings$/, mistralFormat, mistralEmbeddings),
  chat("ollama", "/ollama", /^\/v1\/chat\/completions$/, ollamaFormat),
  models("ollama", "/ollama", /^\/v1\/models$/, ollamaFormat),
  embeddings("ollama", "/ollama", /^\/v1\/embeddings$/, ollamaFormat, ollamaOpenAiEmbeddings),
  embeddings("ollama", "/ollama", /^\/api\/embed$/, ollamaFormat, ollamaNativeEmbeddings),
  chat("anthropic", "/anthropic", /^\/v1\/messages$/, anthropicFormat),
  models("anthropic", "/anthropic", /^\/v1\/models$/, anthropicFormat),
  chat("google", "/google", /^\/v1beta\/models\/([^/:]+):streamGenerateContent$/, googleFormat),
  models("google", "/google", /^\/v1beta\/models$/, googleFormat),
  embeddings(
    "google",
    "/google",
    /^\/v1beta\/models\/([^/:]+):batchEmbedContents$/,
    googleFormat,
    googleEmbeddings,
  ),
  chat("azure", "/azure", /^\/openai\/deployments\/([^/]+)\/chat\/completions$/, azureFormat),
  embeddings("azure", "/azure", /^\/openai\/deployments\/([^/]+)\/embeddings$/, azureFormat, azureEmbeddings),
  // Azure's list of deployments is not reliable across API versions; clients check the key against this one.
  models("azure", "/azure", /^\/openai\/models$/, azureFormat),
];

function chat(provider: FakeProviderId, prefix: string, pattern: RegExp, format: WireFormat): Route {
  return { provider, prefix, method: "POST", pattern, format, serves: "chat" };
}

function models(provider: FakeProviderId, prefix: string, pattern: RegExp, format: WireFormat): Route {
  return { provider, prefix, method: "GET", pattern, format, serves: "models" };
}

function embeddings(
  provider: FakeProviderId,
  prefix: string,
  pattern: RegExp,
  format: WireFormat,
  embeddingsFormat: EmbeddingsFormat,
): Route {
  return {
    provider,
    prefix,
    method: "POST",
    pattern,
    format,
    serves: "embeddings",
    embeddings: embeddingsFormat,
  };
}

const API_KEY = "fake-provider-key";

export async function startFakeProviderServer(
  options: FakeProviderServerOptions = {},
): Promise<FakeProviderServer> {
  const requests: RecordedRequest[] = [];
  const ollamaModels = options.ollamaModels ?? ["llama3.2:latest", "qwen3:8b"];
  let scenario: Partial<Scenario> = {};
  let statusFailuresLeft = 0;
  let requestCount = 0;
  let activeStreams = 0;
  // Marker failures ([[fake:429]], [[fake:500]]) hit every other request with the same prompt, so a retry succeeds.
  const markerAttempts = new Map<string, number>();
  const injector = options.faults ? createFaultInjector(options.faults) : null;

  /** `markerText`: the last user message of a chat, all inputs of an embedding call. */
  const chooseFailure = (
    route: Route,
    markerText: string,
    errorReply: WireFormat["errorReply"],
  ): JsonReply | undefined => {
    const status = scenario.status;
    if (status && statusFailuresLeft > 0) {
      statusFailuresLeft--;
      if (status.body === undefined) return errorReply(status.code, status.retryAfterSeconds);
      return jsonReply(status.code, status.body, retryAfterHeader(status.retryAfterSeconds));
    }
    const fromMarker = markerStatus(markersIn(markerText));
    if (!fromMarker) return undefined;
    const key = `${route.provider}\n${markerText}`;
    const attempt = markerAttempts.get(key) ?? 0;
    markerAttempts.set(key, attempt + 1);
    return attempt % 2 === 0 ? errorReply(fromMarker.code, fromMarker.retryAfterSeconds) : undefined;
  };

  const answerEmbeddings = (
    route: Route,
    embeddingsFormat: EmbeddingsFormat,
    body: unknown,
    pathModel: string | undefined,
  ): JsonReply => {
    const call = embeddingsFormat.parseRequest(body, pathModel);
    if (!isEmbeddingsCall(call)) return call;
    const markerText = call.inputs.map((input) => input.text).join("\n");
    const errorReply = embeddingsFormat.errorReply ?? route.format.errorReply;
    return chooseFailure(route, markerText, errorReply) ?? embeddingsFormat.reply(call);
  };

  const streamAnswer = async (
    response: ServerResponse,
    parsed: ParsedRequest,
    format: WireFormat,
    provider: FakeProviderId,
  ) => {
    requestCount++;
    const markers = markersIn(parsed.lastUserText);
    const effective = applyMarkers(
      { ...DEFAULT_SCENARIO, text: defaultReply(parsed.lastUserText, parsed.lastUserImages), ...scenario },
      markers,
      parsed.lastUserText,
    );
    const limited = piecesWithinTokens(splitIntoPieces(effective.text), parsed.maxOutputTokens);
    const allPieces = limited.pieces;
    const cut = effective.errorAfterChars ?? effective.stallAfterChars;
    const scenarioPlan: StreamPlan = {
      requestNumber: requestCount,
      model: parsed.model,
      pieces: cut === undefined ? allPieces : piecesUpTo(allPieces, cut),
      ending:
        effective.errorAfterChars !== undefined
          ? "error"
          : effective.stallAfterChars !== undefined
            ? "stall"
            : "complete",
      truncated: limited.truncated,
      usage: resolveUsage({ ...effective, text: allPieces.join("") }, parsed.promptText),
      pings: effective.pings,
      includeUsage: parsed.includeUsage,
    };
    const call = injector?.begin(provider, parsed, scenarioPlan.pieces.length);
    if (injector && call && (call.fault === "429" || call.fault === "500")) {
      endCall(call, "refused");
      const retryAfter = call.fault === "429" ? injector.options.retryAfterSeconds : undefined;
      return sendJson(response, format.errorReply(call.fault === "429" ? 429 : 500, retryAfter));
    }
    const faulted = call?.fault === "cut" || call?.fault === "stall";
    const plan: StreamPlan = faulted
      ? {
          ...scenarioPlan,
          pieces: scenarioPlan.pieces.slice(0, call?.piecesBeforeFault),
          ending: "stall",
        }
      : scenarioPlan;
    response.writeHead(200, {
      "content-type": format.contentType,
      "cache-control": "no-cache",
      ...format.extraHeaders,
    });
    // Providers send their headers at once, also when the first token takes a while.
    response.flushHeaders();
    const frames = effective.replay === undefined ? format.frames(plan) : [effective.replay];
    const totalBytes = frames.reduce((sum, frame) => sum + Buffer.byteLength(frame), 0);
    let bytesWritten = 0;
    activeStreams++;
    try {
      await writeStream(response, frames, {
        chunking: effective.chunking,
        delayMs: effective.delayMs,
        random: seededRandom(requestCount),
        keepOpen: plan.ending === "stall",
        ...(call
          ? {
              cut: call.fault === "cut",
              keepOpenMs: call.fault === "stall" ? injector?.options.stallMs : undefined,
              onWrite: (bytes: number) => {
                bytesWritten += bytes;
                if (bytesWritten === totalBytes) recordSent(call, plan.pieces);
              },
            }
          : {}),
      });
    } finally {
      activeStreams--;
      if (call) {
        const allWritten = bytesWritten === totalBytes;
        if (!allWritten) recordSent(call, piecesWithin(format, plan, bytesWritten));
        endCall(
          call,
          !allWritten
            ? "client-gone"
            : call.fault === "cut"
              ? "cut"
              : call.fault === "stall"
                ? "stalled"
                : plan.ending === "stall"
                  ? "client-gone"
                  : "complete",
        );
      }
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://fake");
    const route = ROUTES.find(
      (candidate) =>
        candidate.method === request.method &&
        url.pathname.startsWith(candidate.prefix) &&
        candidate.pattern.test(url.pathname.slice(candidate.prefix.length)),
    );
    if (!route)
      return sendJson(response, jsonReply(404, { error: { message: `No fake route for ${url.pathname}` } }));
    const subPath = url.pathname.slice(route.prefix.length);
    const rawBody = await readBody(request);
    const body = parseJson(rawBody);
    requests.push({
      provider: route.provider,
      method: request.method ?? "GET",
      path: `${subPath}${url.search}`,
      headers: flattenHeaders(request),
      body,
    });
    const format = route.format;
    const denied = format.checkAuth({ headers: request.headers, query: url.searchParams }, API_KEY);
    if (denied) return sendJson(response, denied);
    const wrongQuery = checkQuery(route, url.searchParams);
    if (wrongQuery) return sendJson(response, wrongQuery);
    if (route.serves === "models")
      return sendJson(response, modelListReply(route.provider, url.searchParams, ollamaModels));
    if (rawBody && body === undefined)
      return sendJson(response, jsonReply(400, { error: { message: "Invalid JSON" } }));
    const encodedModel = route.pattern.exec(subPath)?.[1];
    const pathModel = encodedModel === undefined ? undefined : decodeURIComponent(encodedModel);
    if (route.embeddings)
      return sendJson(response, answerEmbeddings(route, route.embeddings, body, pathModel));
    const parsed = format.parseRequest(body, pathModel);
    if (isJsonReply(parsed)) return sendJson(response, parsed);
    const failure = chooseFailure(route, parsed.lastUserText, format.errorReply);
    if (failure) return sendJson(response, failure);
    await streamAnswer(response, parsed, format, route.provider);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, jsonReply(500, { error: { message: String(error) } }));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrls: {
      openai: `${url}/openai/v1`,
      anthropic: `${url}/anthropic`,
      google: `${url}/google`,
      mistral: `${url}/mistral`,
      xai: `${url}/xai/v1`,
      azure: `${url}/azure`,
      ollama: `${url}/ollama`,
    },
    apiKey: API_KEY,
    requests,
    activeStreamCount: () => activeStreams,
    calls: injector?.calls ?? [],
    callCounts: () => countCalls(injector?.calls ?? []),
    setScenario(next) {
      scenario = { ...scenario, ...next };
      if (next.status) statusFailuresLeft = next.status.times;
    },
    reset() {
      scenario = {};
      statusFailuresLeft = 0;
      requests.length = 0;
      markerAttempts.clear();
      injector?.reset();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function recordSent(call: FakeCall, pieces: string[]): void {
  call.piecesSent = pieces.length;
  call.textSent = pieces.join("");
}

/**
 * The pieces whose frames were written in full when a stream ended early (client gone): the longest
 * prefix of the answer whose frames fit in the bytes written.
 */
function piecesWithin(format: WireFormat, plan: StreamPlan, bytesWritten: number): string[] {
  const bytesUpTo = (count: number) =>
    format
      .frames({ ...plan, pieces: plan.pieces.slice(0, count), ending: "stall" })
      .reduce((sum, frame) => sum + Buffer.byteLength(frame), 0);
  let low = 0;
  let high = plan.pieces.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (bytesUpTo(middle) <= bytesWritten) low = middle;
    else high = middle - 1;
  }
  return plan.pieces.slice(0, low);
}

function checkQuery(route: Route, query: URLSearchParams): JsonReply | undefined {
  if (route.provider === "azure" && !query.get("api-version")) {
    return jsonReply(404, { error: { code: "404", message: "Resource not found" } });
  }
  if (route.provider === "google" && route.serves === "chat" && query.get("alt") !== "sse") {
    return jsonReply(400, {
      error: { code: 400, message: "The fake provider only serves alt=sse", status: "INVALID_ARGUMENT" },
    });
  }
  return undefined;
}

function sendJson(response: ServerResponse, reply: JsonReply): void {
  response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
  response.end(JSON.stringify(reply.body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

function flattenHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}
