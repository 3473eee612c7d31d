import type { KeyStorage } from '../reveal/verify-return';

/** sessionStorage's slice the portal uses, in memory, with the items visible to assertions. */
export function memoryStorage(): KeyStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}
