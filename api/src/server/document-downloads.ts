import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerDownload } from "./bearer-download.js";
import { contentDisposition } from "./content-disposition.js";

type Dependencies = Omit<Parameters<typeof bearerDownload>[0], "what">;

/** GET /documents/<id>/file: the original of a document, for its owner only (anyone else: 404). */
export const DOCUMENT_FILE_PATH = /^\/documents\/([^/]+)\/file$/;

export function documentDownloads(deps: Dependencies) {
  const download = bearerDownload({ ...deps, what: "document download" });
  return (req: IncomingMessage, res: ServerResponse, documentId: string): Promise<void> =>
    download(req, res, {
      run: async (viewer) => {
        const file = await deps.services.documents.download(viewer.userId, documentId);
        res.writeHead(200, {
          "content-type": file.mimeType,
          "content-length": String(file.content.byteLength),
          "content-disposition": contentDisposition(file.filename),
          "cache-control": "private, no-store",
          "x-content-type-options": "nosniff",
          // Shown as a file, never run as a page of this origin (an uploaded HTML file).
          "content-security-policy": "sandbox",
        });
        res.end(Buffer.from(file.content));
      },
    });
}
