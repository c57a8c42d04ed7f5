import { FAKE_EMBEDDING_DIMENSIONS, fakeEmbedding, fakeTokenCount } from "./fake-embeddings.js";
import { googleError } from "./google-format.js";
import { mistralError, openAiError } from "./openai-formats.js";
import { isRecord, jsonReply } from "./sse-format.js";
import type { ErrorStatus, JsonReply } from "./types.js";

// The embeddings endpoints in each provider's answer format (reference §2.9 OpenAI, §4.8 Gemini
// batchEmbedContents, §5.8 Mistral, §7 vLLM / Ollama `/v1/embeddings` and Ollama's own `/api/embed`).
// Vectors come from fake-embeddings.ts, in the requested length (default FAKE_EMBEDDING_DIMENSIONS).

export interface EmbeddingInput {
  text: string;
  /** The length the client asked for, in the provider's own parameter; undefined: the default. */
  dimensions: number | undefined;
}

export interface EmbeddingsCall {
  model: string;
  inputs: EmbeddingInput[];
  /** OpenAI-style `encoding_format: "base64"`: little-endian float32 in base64. */
  base64: boolean;
}

export interface EmbeddingsFormat {
  /** Checks the body the way the provider would; its error reply for invalid ones. */
  parseRequest(body: unknown, pathModel: string | undefined): EmbeddingsCall | JsonReply;
  reply(call: EmbeddingsCall): JsonReply;
  /** Error bodies where they differ from the provider's chat format (Ollama's own API). */
  errorReply?(code: ErrorStatus, retryAfterSeconds: number | undefined): JsonReply;
}

export function isEmbeddingsCall(value: EmbeddingsCall | JsonReply): value is EmbeddingsCall {
  return "inputs" in value;
}

/** The largest vector the fake computes (real models stop at 3072 or 4096). */
const MAX_DIMENSIONS = 4096;

interface OpenAiStyleOptions {
  /** The parameter that asks for shorter vectors: OpenAI `dimensions`, Mistral `output_dimension`. */
  dimensionsField: "dimensions" | "output_dimension";
  invalid(message: string): JsonReply;
  /** Azure takes the model from the deployment in the path. */
  modelFromPath?: boolean;
  /** Provider-specific checks (unknown fields, models without shortening). */
  checkRequest?(body: Record<string, unknown>, model: string): JsonReply | undefined;
  /** Fields of the answer besides object, data, model and usage (Mistral's `id`). */
  extraFields?: () => Record<string, unknown>;
  /** Mistral reports `completion_tokens: 0` as well. */
  completionTokens?: boolean;
}

let answerNumber = 0;

function openAiStyle(options: OpenAiStyleOptions): EmbeddingsFormat {
  return {
    parseRequest(body, pathModel) {
      if (!isRecord(body)) return options.invalid("The request body must be a JSON object");
      const model = options.modelFromPath ? pathModel : body.model;
      if (typeof model !== "string" || !model) return options.invalid("you must provide a model parameter");
      const texts = typeof body.input === "string" ? [body.input] : body.input;
      if (
        !Array.isArray(texts) ||
        texts.length === 0 ||
        !texts.every((text): text is string => typeof text === "string" && text.length > 0)
      ) {
        return options.invalid(
          "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
        );
      }
      const format = body.encoding_format ?? "float";
      if (format !== "float" && format !== "base64") {
        return options.invalid(`Invalid value for 'encoding_format': '${String(format)}'`);
      }
      const problem = options.checkRequest?.(body, model);
      if (problem) return problem;
      const dimensions = dimensionsOf(body[options.dimensionsField]);
      if (dimensions === null) {
        const given = JSON.stringify(body[options.dimensionsField]);
        return options.invalid(`Invalid value for '${options.dimensionsField}': ${given}`);
      }
      return {
        model,
        inputs: texts.map((text) => ({ text, dimensions })),
        base64: format === "base64",
      };
    },
    reply(call) {
      const data = call.inputs.map((input, index) => {
        const vector = vectorOf(input, call.model);
        return { object: "embedding", index, embedding: call.base64 ? base64Floats(vector) : vector };
      });
      const promptTokens = tokensOf(call);
      return jsonReply(200, {
        ...options.extraFields?.(),
        object: "list",
        data,
        model: call.model,
        usage: {
          prompt_tokens: promptTokens,
          total_tokens: promptTokens,
          ...(options.completionTokens ? { completion_tokens: 0 } : {}),
        },
      });
    },
  };
}

const openAiInvalid = (message: string) =>
  jsonReply(400, openAiError(message, "invalid_request_error", null));

export const openAiEmbeddings = openAiStyle({
  dimensionsField: "dimensions",
  invalid: openAiInvalid,
  // The OpenAI API's answer for ada-002 with `dimensions`.
  checkRequest: (body, model) =>
    body.dimensions !== undefined && !model.startsWith("text-embedding-3")
      ? openAiInvalid("This model does not support specifying dimensions.")
      : undefined,
});

export const azureEmbeddings = openAiStyle({
  dimensionsField: "dimensions",
  invalid: openAiInvalid,
  modelFromPath: true,
});

// Fields of Mistral's EmbeddingRequest (client-ts); the API rejects others with 422, as in chat.
const MISTRAL_FIELDS = new Set([
  "model",
  "input",
  "output_dimension",
  "output_dtype",
  "encoding_format",
  "metadata",
]);
const mistralInvalid = (message: string) =>
  jsonReply(400, mistralError(message, "invalid_request_error", null));

export const mistralEmbeddings = openAiStyle({
  dimensionsField: "output_dimension",
  invalid: mistralInvalid,
  checkRequest: (body) => {
    const extra = Object.keys(body).find((field) => !MISTRAL_FIELDS.has(field));
    if (extra === undefined) return undefined;
    const detail = [
      {
        type: "extra_forbidden",
        loc: ["body", extra],
        msg: "Extra inputs are not permitted",
        input: body[extra],
      },
    ];
    return jsonReply(422, mistralError({ detail }, "invalid_request_error", null));
  },
  extraFields: () => ({ id: `b1a5e0f3c0e64f7e9d2c${String(++answerNumber).padStart(12, "0")}` }),
  completionTokens: true,
});

/** Ollama's and vLLM's OpenAI-compatible `/v1/embeddings`. */
export const ollamaOpenAiEmbeddings = openAiStyle({
  dimensionsField: "dimensions",
  invalid: (message) => jsonReply(400, openAiError(message, "invalid_request_error", null)),
});

const OLLAMA_MESSAGES: Record<ErrorStatus, string> = {
  400: "the input length exceeds the context length",
  401: "unauthorized",
  429: "too many requests",
  500: "an error was encountered while running the model",
  503: "server busy, please try again.  maximum pending requests exceeded",
};

/** Ollama's own `POST /api/embed`: errors are `{"error": "…"}`. */
export const ollamaNativeEmbeddings: EmbeddingsFormat = {
  parseRequest(body) {
    const invalid = (message: string) => jsonReply(400, { error: message });
    if (!isRecord(body) || typeof body.model !== "string" || !body.model) return invalid("model is required");
    const texts = typeof body.input === "string" ? [body.input] : body.input;
    if (!Array.isArray(texts) || !texts.every((text): text is string => typeof text === "string")) {
      return invalid("invalid input type");
    }
    const dimensions = dimensionsOf(body.dimensions);
    if (dimensions === null) return invalid("dimensions must be a positive integer");
    return { model: body.model, inputs: texts.map((text) => ({ text, dimensions })), base64: false };
  },
  reply(call) {
    return jsonReply(200, {
      model: call.model,
      embeddings: call.inputs.map((input) => vectorOf(input, call.model)),
      total_duration: 14_143_917,
      load_duration: 1_019_500,
      prompt_eval_count: tokensOf(call),
    });
  },
  errorReply: (code) => jsonReply(code, { error: OLLAMA_MESSAGES[code] }),
};

const GOOGLE_TASK_TYPES = new Set([
  "TASK_TYPE_UNSPECIFIED",
  "RETRIEVAL_QUERY",
  "RETRIEVAL_DOCUMENT",
  "SEMANTIC_SIMILARITY",
  "CLASSIFICATION",
  "CLUSTERING",
  "QUESTION_ANSWERING",
  "FACT_VERIFICATION",
  "CODE_RETRIEVAL_QUERY",
]);

/** Gemini `models/{model}:batchEmbedContents`: one request per text, each naming the model again. */
export const googleEmbeddings: EmbeddingsFormat = {
  parseRequest(body, pathModel) {
    const invalid = (message: string) => jsonReply(400, googleError(400, "INVALID_ARGUMENT", message));
    if (!pathModel) return invalid("model is required in the path");
    if (!isRecord(body) || !Array.isArray(body.requests) || body.requests.length === 0) {
      return invalid("* BatchEmbedContentsRequest.requests: requests is not specified");
    }
    const inputs: EmbeddingInput[] = [];
    for (const [index, request] of body.requests.entries()) {
      const field = `BatchEmbedContentsRequest.requests[${index}]`;
      if (!isRecord(request)) return invalid(`* ${field}: must be an object`);
      if (request.model !== `models/${pathModel}`) {
        return invalid(
          `* ${field}.model: the model of every request must be the model of the URL (models/${pathModel})`,
        );
      }
      const parts = isRecord(request.content) ? request.content.parts : undefined;
      const texts = Array.isArray(parts) ? parts.map((part) => (isRecord(part) ? part.text : undefined)) : [];
      if (texts.length === 0 || !texts.every((text): text is string => typeof text === "string")) {
        return invalid(`* ${field}.content: contents is not specified`);
      }
      if (request.taskType !== undefined && !GOOGLE_TASK_TYPES.has(String(request.taskType))) {
        return invalid(`Invalid value at '${field}.task_type', "${String(request.taskType)}"`);
      }
      const dimensions = dimensionsOf(request.outputDimensionality);
      if (dimensions === null) return invalid(`* ${field}.output_dimensionality: must be a positive integer`);
      inputs.push({ text: texts.join(""), dimensions });
    }
    return { model: pathModel, inputs, base64: false };
  },
  // Gemini reports no usage for embeddings.
  reply: (call) =>
    jsonReply(200, { embeddings: call.inputs.map((input) => ({ values: vectorOf(input, call.model) })) }),
};

/** The requested vector length; undefined when not given, null when it is no valid length. */
function dimensionsOf(value: unknown): number | undefined | null {
  if (value === undefined) return undefined;
  const valid = typeof value === "number" && Number.isInteger(value) && value > 0 && value <= MAX_DIMENSIONS;
  return valid ? value : null;
}

/**
 * The length the cloud models answer with when none is asked for (reference §8.4), so that a deployment
 * configured with one gets what the real one sends; other models (local servers): the fake's own.
 */
const NATIVE_DIMENSIONS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
  "mistral-embed": 1024,
  "gemini-embedding-001": 3072,
  "gemini-embedding-2": 3072,
  "gemini-embedding-2-preview": 3072,
};

/** The vector length the fake answers `model` with when no length is asked for. */
export function fakeNativeDimensions(model: string): number {
  return NATIVE_DIMENSIONS[model.replace(/^models\//, "")] ?? FAKE_EMBEDDING_DIMENSIONS;
}

function vectorOf(input: EmbeddingInput, model: string): number[] {
  return fakeEmbedding(input.text, input.dimensions ?? fakeNativeDimensions(model));
}

function tokensOf(call: EmbeddingsCall): number {
  return call.inputs.reduce((sum, input) => sum + fakeTokenCount(input.text), 0);
}

function base64Floats(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString("base64");
}
