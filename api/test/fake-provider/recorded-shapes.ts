// Stream bodies shaped exactly like the captures in the provider wire-format reference (same framing, event
// order, field names, padding and usage numbers), with our own ids and texts, since the captures themselves
// are not to be committed. Served through the fake's `replay` scenario or fed to the SSE reader directly.

/** §2.3 OpenAI gpt-4o-mini with include_usage: usage chunk with `choices: []` before [DONE]. */
export const OPENAI_STREAM = [
  'data: {"id":"chatcmpl-Rec1","object":"chat.completion.chunk","created":1782955818,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_d0469e1700","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"HM7mrUsjk"}',
  'data: {"id":"chatcmpl-Rec1","object":"chat.completion.chunk","created":1782955818,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_d0469e1700","choices":[{"index":0,"delta":{"content":"Die"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"auU6fTns"}',
  'data: {"id":"chatcmpl-Rec1","object":"chat.completion.chunk","created":1782955818,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_d0469e1700","choices":[{"index":0,"delta":{"content":" Hauptstadt ist"},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"oHb"}',
  'data: {"id":"chatcmpl-Rec1","object":"chat.completion.chunk","created":1782955818,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_d0469e1700","choices":[{"index":0,"delta":{"content":" Zürich? Nein: Bern."},"logprobs":null,"finish_reason":null}],"usage":null,"obfuscation":"A4Z2"}',
  'data: {"id":"chatcmpl-Rec1","object":"chat.completion.chunk","created":1782955818,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_d0469e1700","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null,"obfuscation":"RTaww"}',
  'data: {"id":"chatcmpl-Rec1","object":"chat.completion.chunk","created":1782955818,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_d0469e1700","choices":[],"usage":{"prompt_tokens":78,"completion_tokens":9,"total_tokens":87,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"obfuscation":"dhWUdLZO659"}',
  "data: [DONE]",
  "",
].join("\n\n");

/** §3.3 (a) Anthropic claude-sonnet-4-5: JSON padded with spaces, a ping, cumulative usage in message_delta. */
export const ANTHROPIC_STREAM = [
  'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-sonnet-4-5-20250929","id":"msg_01Rec","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1,"service_tier":"standard","inference_geo":"not_available"}}            }',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}        }',
  'event: ping\ndata: {"type": "ping"}',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Zwei – "}      }',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"also 2 ✌️"}      }',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0        }',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":5}       }',
  'event: message_stop\ndata: {"type":"message_stop"    }',
  "",
].join("\n\n");

/**
 * §3.3 (c) claude-sonnet-5 with a server tool: message_delta's input (2411) differs from message_start's
 * (1128) and reports thinking tokens; the final values count.
 */
export const ANTHROPIC_THINKING_USAGE_STREAM = [
  'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-sonnet-5","id":"msg_01Rec2","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"stop_details":null,"usage":{"input_tokens":1128,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":2,"service_tier":"standard","inference_geo":"global"}}          }',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":""}}',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hmm."}}',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}',
  'event: content_block_start\ndata: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Fertig."}}',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":1}',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null,"stop_details":null},"usage":{"input_tokens":2411,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":145,"output_tokens_details":{"thinking_tokens":47},"server_tool_use":{"web_search_requests":0,"web_fetch_requests":0}}   }',
  'event: message_stop\ndata: {"type":"message_stop"}',
  "",
].join("\n\n");

/** §4.3 (a) Gemini 2.5 Flash: `\r\n\r\n` framing, cumulative usageMetadata with thoughtsTokenCount. */
export const GEMINI_STREAM = [
  'data: {"candidates": [{"content": {"parts": [{"text": "Grüße aus Köln 👋\\n1\\n2\\n"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 18,"candidatesTokenCount": 31,"totalTokenCount": 84,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 18}],"thoughtsTokenCount": 35,"serviceTier": "standard"},"modelVersion": "gemini-2.5-flash","responseId": "RecGemini1"}',
  'data: {"candidates": [{"content": {"parts": [{"text": "3 — 日本語\\n"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 18,"candidatesTokenCount": 79,"totalTokenCount": 132,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 18}],"thoughtsTokenCount": 35,"serviceTier": "standard"},"modelVersion": "gemini-2.5-flash","responseId": "RecGemini1"}',
  'data: {"candidates": [{"content": {"parts": [{"text": "Ende ✅"}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 18,"candidatesTokenCount": 80,"totalTokenCount": 133,"promptTokensDetails": [{"modality": "TEXT","tokenCount": 18}],"thoughtsTokenCount": 35,"serviceTier": "standard"},"modelVersion": "gemini-2.5-flash","responseId": "RecGemini1"}',
  "",
].join("\r\n\r\n");

export const GEMINI_STREAM_TEXT = "Grüße aus Köln 👋\n1\n2\n3 — 日本語\nEnde ✅";

/** §5.3 Mistral Magistral: typed thinking parts, then text; usage on the finish chunk without opt-in. */
export const MISTRAL_MAGISTRAL_STREAM = [
  'data: {"id":"9f9d90210f194076abeee223863eaaf0","object":"chat.completion.chunk","created":1764296393,"model":"magistral-medium-latest","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
  'data: {"id":"9f9d90210f194076abeee223863eaaf0","object":"chat.completion.chunk","created":1764296393,"model":"magistral-medium-latest","choices":[{"index":0,"delta":{"content":[{"type":"thinking","thinking":[{"type":"text","text":"Also"}]}]},"finish_reason":null}]}',
  'data: {"id":"9f9d90210f194076abeee223863eaaf0","object":"chat.completion.chunk","created":1764296393,"model":"magistral-medium-latest","choices":[{"index":0,"delta":{"content":[{"type":"text","text":"Schau "}]},"finish_reason":null}]}',
  'data: {"id":"9f9d90210f194076abeee223863eaaf0","object":"chat.completion.chunk","created":1764296393,"model":"magistral-medium-latest","choices":[{"index":0,"delta":{"content":"nach links."},"finish_reason":null}]}',
  'data: {"id":"9f9d90210f194076abeee223863eaaf0","object":"chat.completion.chunk","created":1764296393,"model":"magistral-medium-latest","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"total_tokens":242,"completion_tokens":232}}',
  "data: [DONE]",
  "",
].join("\n\n");

/** §6.2 xAI grok-3-mini: reasoning_content deltas; completion_tokens (1) excludes reasoning_tokens (290). */
export const XAI_REASONING_STREAM = [
  'data: {"id":"7327b9f5-0000-0a15-3fef-c14a71c460d3","object":"chat.completion.chunk","created":1770774058,"model":"grok-3-mini","choices":[{"index":0,"delta":{"reasoning_content":"Zuerst","role":"assistant"}}],"system_fingerprint":"fp_2a885414fb"}',
  'data: {"id":"7327b9f5-0000-0a15-3fef-c14a71c460d3","object":"chat.completion.chunk","created":1770774058,"model":"grok-3-mini","choices":[{"index":0,"delta":{"reasoning_content":" denken"}}],"system_fingerprint":"fp_2a885414fb"}',
  'data: {"id":"7327b9f5-0000-0a15-3fef-c14a71c460d3","object":"chat.completion.chunk","created":1770774061,"model":"grok-3-mini","choices":[{"index":0,"delta":{"content":"Hallo"}}],"system_fingerprint":"fp_2a885414fb"}',
  'data: {"id":"7327b9f5-0000-0a15-3fef-c14a71c460d3","object":"chat.completion.chunk","created":1770774061,"model":"grok-3-mini","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"system_fingerprint":"fp_2a885414fb"}',
  'data: {"id":"7327b9f5-0000-0a15-3fef-c14a71c460d3","object":"chat.completion.chunk","created":1770774061,"model":"grok-3-mini","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":303,"prompt_tokens_details":{"text_tokens":12,"audio_tokens":0,"image_tokens":0,"cached_tokens":11},"completion_tokens_details":{"reasoning_tokens":290,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0},"num_sources_used":0,"cost_in_usd_ticks":1466250},"system_fingerprint":"fp_2a885414fb"}',
  "data: [DONE]",
  "",
].join("\n\n");

/** Azure opens with a choice-less prompt-filter chunk (widely reported; not in the reference). */
export const AZURE_STREAM = [
  'data: {"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{"hate":{"filtered":false,"severity":"safe"},"self_harm":{"filtered":false,"severity":"safe"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}]}',
  'data: {"choices":[{"content_filter_results":{},"delta":{"content":"","refusal":null,"role":"assistant"},"finish_reason":null,"index":0,"logprobs":null}],"created":1756938296,"id":"chatcmpl-AzRec","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_ee1d74bde0"}',
  'data: {"choices":[{"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"delta":{"content":"Hi ü"},"finish_reason":null,"index":0,"logprobs":null}],"created":1756938296,"id":"chatcmpl-AzRec","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_ee1d74bde0"}',
  'data: {"choices":[{"content_filter_results":{},"delta":{},"finish_reason":"stop","index":0,"logprobs":null}],"created":1756938296,"id":"chatcmpl-AzRec","model":"gpt-4o-2024-08-06","object":"chat.completion.chunk","system_fingerprint":"fp_ee1d74bde0"}',
  "data: [DONE]",
  "",
].join("\n\n");
