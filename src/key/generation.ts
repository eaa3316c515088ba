// Generations of one key. The cache service never overwrites an entry, so an entry that turns
// out not to serve its key (a proxy store missing files the job then fetched) is repaired by
// saving the next generation: `<key>~g1`, `<key>~g2`, ... A restore asks for the prefix
// `<key>~g`, which the service answers with the newest generation. `~` is not allowed in the
// key's own parts (inputs.ts), so no other key can start with `<key>~g`. Issue 9, case 6.

/** The prefix every generation of `key` starts with. */
export function generationPrefix(key: string): string {
  return `${key}~g`;
}

export function generationKey(key: string, generation: number): string {
  return `${generationPrefix(key)}${generation}`;
}

/** The generation of `matchedKey` when it is an entry of `key`, else undefined (a fallback). */
export function generationOf(key: string, matchedKey: string | undefined): number | undefined {
  const prefix = generationPrefix(key);
  if (!matchedKey?.startsWith(prefix)) return undefined;
  const rest = matchedKey.slice(prefix.length);
  return /^[1-9]\d{0,8}$/.test(rest) ? Number(rest) : undefined;
}
