/** `/check` (the default tenant, or the bank of the custom link domain) or `/t/{slug}/check`: the check page. */
const CHECK_PATH = /^(?:\/t\/([a-z0-9][a-z0-9-]{1,39}))?\/check\/?$/;

export function parseCheckLocation(pathname: string): { tenant?: string } | undefined {
  const match = CHECK_PATH.exec(pathname);
  if (!match) return undefined;
  return match[1] ? { tenant: match[1] } : {};
}

/**
 * What the check page sends: the link without its fragment (the key never leaves the browser, S4) and without
 * surrounding space; a bare id as it is.
 */
export function linkToCheck(input: string): string {
  const trimmed = input.trim();
  const hash = trimmed.indexOf('#');
  return hash === -1 ? trimmed : trimmed.slice(0, hash);
}
