// DER (ITU-T X.690) for the few ASN.1 types an X.509 certificate of ours is made of. Writing only:
// what the job's CA signs is built here; what a client makes of it, OpenSSL or rustls decide.
// Reading is limited to one field of a key WebCrypto exported (subjectPublicKeyBits).

const SEQUENCE = 0x30;
const SET = 0x31;

/** Tag, definite length (short form below 128, long form above), contents. */
export function tlv(tag: number, ...contents: Uint8Array[]): Buffer {
  const body = Buffer.concat(contents);
  const length = body.length;
  if (length < 0x80) return Buffer.concat([Buffer.from([tag, length]), body]);
  const lengthBytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) lengthBytes.unshift(rest % 256);
  return Buffer.concat([Buffer.from([tag, 0x80 | lengthBytes.length, ...lengthBytes]), body]);
}

export const sequence = (...items: Uint8Array[]) => tlv(SEQUENCE, ...items);
export const set = (...items: Uint8Array[]) => tlv(SET, ...items);
export const boolean = (value: boolean) => tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
export const octetString = (bytes: Uint8Array) => tlv(0x04, bytes);
export const utf8String = (text: string) => tlv(0x0c, Buffer.from(text, 'utf8'));

/** A non-negative INTEGER from its big-endian bytes, in the shortest form DER allows. */
export function unsignedInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const digits = Buffer.from(bytes.subarray(start));
  if (digits.length === 0) return tlv(0x02, Buffer.from([0]));
  // A set high bit would make it negative: one zero byte in front.
  return (digits[0] ?? 0) & 0x80 ? tlv(0x02, Buffer.from([0]), digits) : tlv(0x02, digits);
}

/** 0-255 (a version, a path length); anything else throws rather than wrap around. */
export function smallInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 255)
    throw new RangeError(`${value}: not an integer from 0 to 255`);
  return unsignedInteger(Buffer.from([value]));
}

/** IA5String text as a [n] IMPLICIT name (dNSName): printable ASCII only, never a look-alike. */
export function ia5Name(n: number, text: string): Buffer {
  if (!/^[\x21-\x7e]+$/.test(text))
    throw new RangeError(`${JSON.stringify(text)}: not a printable ASCII name`);
  return implicitPrimitive(n, Buffer.from(text, 'ascii'));
}

/** BIT STRING of whole bytes (a key, a signature). */
export const bitString = (bytes: Uint8Array) => tlv(0x03, Buffer.from([0]), bytes);

/**
 * A BIT STRING of named bits (KeyUsage): bit 0 is the first byte's highest. DER drops trailing
 * zero bits and says how many of the last byte's are unused (X.690 11.2.2).
 */
export function namedBits(bits: readonly number[]): Buffer {
  if (bits.length === 0) return tlv(0x03, Buffer.from([0]));
  if (!bits.every((bit) => Number.isInteger(bit) && bit >= 0))
    throw new RangeError(`${bits}: not bit numbers`);
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) bytes[bit >> 3] = (bytes[bit >> 3] ?? 0) | (0x80 >> (bit & 7));
  return tlv(0x03, Buffer.from([7 - (highest & 7)]), bytes);
}

export function objectIdentifier(dotted: string): Buffer {
  if (!/^[0-2]\.(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/.test(dotted))
    throw new RangeError(`${dotted}: not an object identifier`);
  const arcs = dotted.split('.').map(Number);
  const [first = 0, second = 0, ...rest] = arcs;
  // X.660: under the arcs 0 and 1 there are 40 arcs at most.
  if (!arcs.every(Number.isSafeInteger) || (first < 2 && second >= 40))
    throw new RangeError(`${dotted}: an arc out of range`);
  const bytes: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const base128 = [arc & 0x7f];
    for (let value = Math.floor(arc / 128); value > 0; value = Math.floor(value / 128))
      base128.unshift(0x80 | (value & 0x7f));
    bytes.push(...base128);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, UTC. */
export function time(date: Date): Buffer {
  const year = date.getUTCFullYear();
  // RFC 5280 4.1.2.5: no well-defined expiration is 99991231235959Z; nothing of ours goes past it.
  if (Number.isNaN(year) || year < 1 || year > 9999)
    throw new RangeError(`${String(date)}: not a date from year 1 to 9999`);
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(digits.slice(2), 'latin1'));
  return tlv(0x18, Buffer.from(digits, 'latin1'));
}

/** [n] IMPLICIT of a primitive type: the contents under a context-specific tag. */
export const implicitPrimitive = (n: number, contents: Uint8Array) => tlv(0x80 | n, contents);
/** [n] of a constructed type (EXPLICIT, or IMPLICIT SEQUENCE OF). */
export const contextConstructed = (n: number, ...contents: Uint8Array[]) => tlv(0xa0 | n, ...contents);

/** The elements of a DER SEQUENCE, each with its tag and length. Throws on anything else. */
function sequenceElements(der: Uint8Array): Buffer[] {
  const outer = readTlv(der, 0);
  if (outer.tag !== SEQUENCE || outer.end !== der.length) throw new Error('not one DER SEQUENCE');
  const elements: Buffer[] = [];
  for (let at = outer.contentStart; at < outer.end; ) {
    const element = readTlv(der, at);
    elements.push(Buffer.from(der.subarray(at, element.end)));
    at = element.end;
  }
  return elements;
}

/** The bits of a SubjectPublicKeyInfo's subjectPublicKey (RFC 5280 4.2.1.2's key identifier input). */
export function subjectPublicKeyBits(spki: Uint8Array): Buffer {
  const [, key] = sequenceElements(spki);
  if (!key) throw new Error('SubjectPublicKeyInfo without a key');
  const field = readTlv(key, 0);
  if (field.tag !== 0x03 || key[field.contentStart] !== 0)
    throw new Error('subjectPublicKey is not a whole-byte BIT STRING');
  return Buffer.from(key.subarray(field.contentStart + 1, field.end));
}

function readTlv(der: Uint8Array, at: number): { tag: number; contentStart: number; end: number } {
  const tag = der[at];
  const first = der[at + 1];
  if (tag === undefined || first === undefined) throw new Error('DER ends inside a header');
  let length = first;
  let contentStart = at + 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[contentStart + i] ?? 0);
    contentStart += count;
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error('DER ends inside a value');
  return { tag, contentStart, end };
}
