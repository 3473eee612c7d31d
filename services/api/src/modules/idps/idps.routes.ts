import { Router } from 'express';
import { CHANGE_REASON_HEADER, IdpRegistrationSchema, type IdpKind } from '@vouchsafe/contracts';
import { AppError } from '../../errors';
import { jsonBody } from '../../http/input';
import { noStore } from '../../http/middleware';
import { adminActor } from '../operators/operator-auth';
import { IDP_KINDS, isIdpKind } from '../../providers/registry';
import type { ChangesService } from '../changes/changes.service';
import type { IdpsService } from './idps.service';

function kindOf(raw: unknown): IdpKind {
  if (!isIdpKind(raw))
    throw new AppError(
      'not_found',
      `There is no identity-provider kind "${String(raw).slice(0, 20)}"; use one of ${IDP_KINDS.join(', ')}.`,
    );
  return raw;
}

/**
 * `/api/v1/admin/tenants/:slug/idp`: a tenant's IdP connections; app.ts mounts it behind adminAccess (an admin token or
 * operator). With four eyes (the default) PUT and DELETE validate as always, then wait for a second person: 202
 * ChangeAccepted (modules/changes); single_admin applies at once (204).
 */
export function idpAdminRoutes(
  service: Pick<IdpsService, 'list'>,
  changes: Pick<ChangesService, 'submitIdpSet' | 'submitIdpRemove'>,
): Router {
  const router = Router({ mergeParams: true });
  router.use(noStore);

  router.get('/', async (req, res) => {
    res.json({ idps: await service.list(String((req.params as Record<string, string | undefined>).slug ?? '')) });
  });

  router.put('/:kind', jsonBody('64kb'), async (req, res) => {
    const kind = kindOf(req.params.kind);
    // Registration rules on top of the stored shape: e.g. an OIDC connection must identify people by a verified or
    // immutable claim (422 naming the field).
    const config = IdpRegistrationSchema.parse(req.body);
    if (config.kind !== kind) {
      throw new AppError('validation_failed', `The request is not valid: kind "${config.kind}" does not match the path (${kind}).`, {
        issues: [{ path: 'kind', message: `must be "${kind}" (the kind in the path)` }],
      });
    }
    const slug = String((req.params as Record<string, string | undefined>).slug ?? '');
    const submitted = await changes.submitIdpSet(slug, config, adminActor(req), req.get(CHANGE_REASON_HEADER));
    if (!submitted.isApplied) {
      req.log.info({ tenant: slug, idp: kind, change: submitted.accepted.change.id }, 'idp change waits for approval');
      res.status(202).json(submitted.accepted);
      return;
    }
    req.log.info({ tenant: slug, idp: kind, isReplacement: submitted.result.isReplacement }, 'idp configured');
    res.status(204).end();
  });

  router.delete('/:kind', async (req, res) => {
    const kind = kindOf(req.params.kind);
    const slug = String((req.params as Record<string, string | undefined>).slug ?? '');
    const submitted = await changes.submitIdpRemove(slug, kind, adminActor(req), req.get(CHANGE_REASON_HEADER));
    if (!submitted.isApplied) {
      req.log.info({ tenant: slug, idp: kind, change: submitted.accepted.change.id }, 'idp removal waits for approval');
      res.status(202).json(submitted.accepted);
      return;
    }
    req.log.info({ tenant: slug, idp: kind }, 'idp removed');
    res.status(204).end();
  });

  return router;
}
