// How an allowed file host is written (--allow-file-host, the action's allow-file-hosts input):
// a host name, `*.` and a domain for its subdomains, or an IP address (IPv6 with or without
// brackets); no scheme, port or path. What it lets through is file-hosts.ts's.

const HOST_NAME = /^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
const ADDRESS = /^\[?[0-9A-Fa-f:.]+\]?$/;

export function isFileHostPattern(value: string): boolean {
  return HOST_NAME.test(value) || ADDRESS.test(value);
}
