import type { Request, Response } from 'express';

/**
 * The two operator cookies. Always HttpOnly, SameSite=Lax (the IdP's redirect back is a top-level GET, which Lax
 * lets through; cross-site POSTs carry no cookie), Path=/. With https (`isSecure`): Secure and the `__Host-` prefix,
 * so no subdomain or plain-http page can set or shadow them.
 */
export interface OperatorCookies {
  readonly session: string;
  readonly signIn: string;
  read(req: Request, name: string): string | undefined;
  set(res: Response, name: string, value: string, maxAgeSeconds: number): void;
  clear(res: Response, name: string): void;
}

export function operatorCookies(isSecure: boolean): OperatorCookies {
  const prefix = isSecure ? '__Host-' : '';
  const attributes = `Path=/; HttpOnly; SameSite=Lax${isSecure ? '; Secure' : ''}`;
  const append = (res: Response, cookie: string) => res.append('Set-Cookie', cookie);
  return {
    session: `${prefix}vouchsafe-operator`,
    signIn: `${prefix}vouchsafe-operator-sign-in`,
    read(req, name) {
      for (const part of (req.get('cookie') ?? '').split(';')) {
        const eq = part.indexOf('=');
        if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
      }
      return undefined;
    },
    set: (res, name, value, maxAgeSeconds) =>
      append(res, `${name}=${value}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; ${attributes}`),
    clear: (res, name) => append(res, `${name}=; Max-Age=0; ${attributes}`),
  };
}
