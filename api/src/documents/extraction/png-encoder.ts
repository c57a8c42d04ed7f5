import { crc32, deflateSync } from "node:zlib";

/** Raw 8-bit pixels as pdf.js hands them out (unpdf `extractImages`). */
export interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
}

const colorTypes = { 1: 0, 3: 2, 4: 6 } as const;

/** Encodes raw pixels as a PNG, the format tesseract reads; small enough to need no dependency. */
export function encodePng(image: RawImage): Buffer {
  const { data, width, height, channels } = image;
  const rowLength = width * channels;
  if (data.length < rowLength * height) throw new Error("The image data is shorter than its dimensions.");
  // Each row starts with its filter type; 0 (none) keeps this simple, deflate does the rest.
  const scanlines = Buffer.alloc((rowLength + 1) * height);
  for (let row = 0; row < height; row++) {
    scanlines.set(data.subarray(row * rowLength, (row + 1) * rowLength), row * (rowLength + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = colorTypes[channels];
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(scanlines)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, body: Buffer): Buffer {
  const typeAndBody = Buffer.concat([Buffer.from(type, "latin1"), body]);
  const framed = Buffer.alloc(typeAndBody.length + 8);
  framed.writeUInt32BE(body.length, 0);
  typeAndBody.copy(framed, 4);
  framed.writeUInt32BE(crc32(typeAndBody), typeAndBody.length + 4);
  return framed;
}
