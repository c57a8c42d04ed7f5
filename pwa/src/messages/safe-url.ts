// Addresses in model output may only lead somewhere harmless: web, mail, phone, or this page.
const ALLOWED_PROTOCOLS = new Set(["http:", "https:", "mailto:", "tel:"]);

export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const trimmed = url.trim();
  if (trimmed.startsWith("#") || (trimmed.startsWith("/") && !trimmed.startsWith("//"))) return trimmed;
  try {
    return ALLOWED_PROTOCOLS.has(new URL(trimmed).protocol) ? trimmed : undefined;
  } catch {
    return undefined;
  }
}

export interface ImageAddress {
  src: string;
  host: string;
  /** Of this app's own origin: loaded as it is. */
  own: boolean;
}

/**
 * Where an image in model output points. Only images of this app's own origin are loaded as they are:
 * loading any other one tells its server that the chat was opened, and whatever the address carries
 * (a prompt injection can make the model put the conversation into it). Remote ones are opened only
 * on request. Anything but a web address is no image at all (undefined).
 */
export function imageAddress(
  url: string | undefined,
  pageUrl = globalThis.location.href,
): ImageAddress | undefined {
  const src = safeUrl(url);
  if (!src) return undefined;
  const address = new URL(src, pageUrl);
  if (address.protocol !== "http:" && address.protocol !== "https:") return undefined;
  const own = address.origin === new URL(pageUrl).origin;
  return { src: own ? src : address.href, host: address.host, own };
}
