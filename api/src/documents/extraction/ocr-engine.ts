import { mkdtemp, rm, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { createWorker, OEM } from "tesseract.js";

export interface OcrEngine {
  /** The text tesseract reads in a PNG, JPEG or WEBP image. */
  recognize(image: Uint8Array): Promise<string>;
  terminate(): Promise<void>;
}

export const DEFAULT_OCR_LANGUAGES = ["deu", "eng"];

const require = createRequire(import.meta.url);

/**
 * Starts tesseract with trained data from the `@tesseract.js-data/<code>` packages, never from the
 * network: tesseract.js downloads from a CDN whenever `langPath` is missing. One `langPath` must hold
 * every language, but each package has its own folder, and handing the data over as `{ code, data }`
 * is broken in tesseract.js 7 (it initialises with the data's bytes as the language name). So the files
 * are linked into one private temporary folder, read while the worker starts, and the folder removed.
 * `cacheMethod: "none"` keeps tesseract from writing `*.traineddata` copies into the working directory.
 */
export async function createOcrEngine(
  languages: readonly string[] = DEFAULT_OCR_LANGUAGES,
): Promise<OcrEngine> {
  const langPath = await mkdtemp(path.join(os.tmpdir(), "xqt5-ocr-"));
  let worker: Awaited<ReturnType<typeof createWorker>>;
  try {
    for (const code of languages) {
      await symlink(trainedDataFile(code), path.join(langPath, `${code}.traineddata.gz`));
    }
    worker = await createWorker([...languages], OEM.LSTM_ONLY, { langPath, cacheMethod: "none", gzip: true });
  } finally {
    await rm(langPath, { recursive: true, force: true });
  }
  return {
    async recognize(image) {
      const result = await worker.recognize(Buffer.from(image.buffer, image.byteOffset, image.byteLength));
      return result.data.text;
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

/** The LSTM-only data (`4.0.0_best_int`): what tesseract.js itself picks for OEM.LSTM_ONLY, and 5× smaller. */
function trainedDataFile(code: string): string {
  if (!/^[a-z]{3}(_[a-z]+)?$/.test(code)) throw new Error(`Not an OCR language code: ${code}`);
  const packageDirectory = path.dirname(require.resolve(`@tesseract.js-data/${code}/package.json`));
  return path.join(packageDirectory, "4.0.0_best_int", `${code}.traineddata.gz`);
}
