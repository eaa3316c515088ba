import type { ServerResponse } from 'node:http';

// Counts the body bytes a response actually wrote, for the access log and /-/stats.
// Responses here send their headers with writeHead(), which getHeader() cannot read back.

export function countBodyBytes(res: ServerResponse): () => number {
  let bytes = 0;
  const count = (chunk: unknown) => {
    if (typeof chunk === 'string') bytes += Buffer.byteLength(chunk);
    else if (chunk instanceof Uint8Array) bytes += chunk.byteLength;
  };
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, ...args: unknown[]) {
    count(args[0]);
    return Reflect.apply(write, this, args);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    if (typeof args[0] !== 'function') count(args[0]);
    return Reflect.apply(end, this, args);
  } as ServerResponse['end'];
  return () => bytes;
}
