import type { Request } from 'express';
import { actorOf } from '../api-tokens/api-tokens';
import { requireApiToken } from '../api-tokens/bearer-auth';

/**
 * Who is reviewing: the one place the reviewer API names its actor (audited on every `review.*` event). Today an
 * API token with the `auditor` scope (`api-token:<name>`); an operator session with the auditor role (issue 9's
 * /review console sign-in) will be accepted here as an alternative without touching the routes.
 */
export function reviewActor(req: Request): string {
  return actorOf(requireApiToken(req));
}
