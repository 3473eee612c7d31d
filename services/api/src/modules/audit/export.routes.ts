import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { AuditExportQuerySchema } from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import { noStore } from '../../http/middleware';
import { reviewActor } from '../review/actor';
import type { TenantsService } from '../tenants/tenants.service';
import { auditExport, exportChunks, exportFileName, exportRange } from './export';

const CONTENT_TYPES = { ndjson: 'application/x-ndjson; charset=utf-8', csv: 'text/csv; charset=utf-8' } as const;

/**
 * `GET /api/v1/audit/t/{tenant}/export?since&until&format`: app.ts mounts it behind `auditorAccess` (auditor token or operator). Streams
 * (pipeline: the database is read one page ahead of what the client has taken, never the whole result). An unknown
 * tenant answers 404. The export is audited (`review.exported`, actor = the token) before the first byte.
 */
export function auditExportRoutes(deps: { db: Db; tenants: Pick<TenantsService, 'resolveSlug'> }): Router {
  const router = Router();
  router.get('/t/:tenant/export', noStore, async (req, res) => {
    const query = AuditExportQuerySchema.parse(req.query);
    const tenant = await deps.tenants.resolveSlug(String(req.params.tenant));
    if (!tenant) throw new AppError('not_found', 'There is no tenant with that slug.');
    const since = query.since === undefined ? undefined : new Date(query.since);
    const until = query.until === undefined ? undefined : new Date(query.until);
    const request = { tenantId: tenant.id, tenantSlug: tenant.slug, since, until, format: query.format };
    const range = await exportRange(deps.db, request);
    await auditExport(deps.db, request, range, reviewActor(req));
    const at = new Date();
    res.status(200);
    res.setHeader('Content-Type', CONTENT_TYPES[query.format]);
    res.setHeader('Content-Disposition', `attachment; filename="${exportFileName(tenant.slug, query.format, at)}"`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    req.log.info({ tenant: tenant.slug, format: query.format, fromIndex: range.fromIndex, toIndex: range.toIndex }, 'audit export');
    try {
      await pipeline(Readable.from(exportChunks(deps.db, request, range, at)), res);
    } catch (err) {
      // Headers are gone: the client sees a cut stream (an NDJSON export then lacks its end line, and verify says so).
      req.log.warn({ err }, 'audit export stopped before the end');
    }
  });
  return router;
}
