import { Router, type Request, type RequestHandler } from 'express';
import {
  CreateDocumentRequestSchema,
  DOCUMENT_LIMITS,
  DocumentIdSchema,
  DEFAULT_TENANT_ID,
  ReviewDocumentRequestSchema,
  StartDocumentFileSchema,
  documentLinkPath,
  type CreateDocumentRequestResponse,
} from '@vouchsafe/contracts';
import type { Db } from '../../db/database';
import { AppError } from '../../errors';
import { binaryBody, jsonBody } from '../../http/input';
import { noStore, routinePoll } from '../../http/middleware';
import { shortId } from '../../lib/ids';
import type { SidebarSession } from '../sessions/session.types';
import { findActiveById } from '../tenants/tenants.repository';
import { documentRequestGone, type DocumentsService } from './documents.service';

/** A malformed id cannot exist: it answers exactly like an unknown one. */
function idOf(raw: unknown): string {
  const parsed = DocumentIdSchema.safeParse(raw);
  if (!parsed.success) throw documentRequestGone();
  return parsed.data;
}

function chunkIndexOf(raw: unknown): number {
  const s = String(raw);
  if (!/^(-1|0|[1-9]\d{0,5})$/.test(s)) throw documentRequestGone();
  return Number(s);
}

function sessionOf(req: Request): SidebarSession {
  if (!req.session)
    throw new AppError('session_rejected', 'This sidebar session could not be verified. Reopen the ticket to start a new one.');
  return req.session;
}

const smallJson = jsonBody('8kb');

/**
 * Public routes of the customer's page (mounted at `/api/v1` and `/api/v1/t/:tenant`): the request id is the upload
 * capability. Each one is rate-limited per network like the vault's public routes.
 */
export function publicDocumentRoutes(service: DocumentsService, opts: { publicLimit: RequestHandler }): Router {
  const router = Router();
  const { publicLimit } = opts;
  // The largest chunk (4 MiB + the tag) and nothing more.
  const chunkBody = binaryBody(DOCUMENT_LIMITS.maxChunkBytes + 16);
  router.use('/document-requests', noStore);

  router.get('/document-requests/:id', publicLimit, async (req, res) => {
    res.json(await service.publicView(req.tenantId, idOf(req.params.id)));
  });
  router.post('/document-requests/:id/files', publicLimit, smallJson, async (req, res) => {
    const id = idOf(req.params.id);
    const body = StartDocumentFileSchema.parse(req.body);
    const state = await service.startFile(req.tenantId, id, body);
    req.log.info({ request: shortId(id), sizeBytes: body.sizeBytes, chunks: state.chunkCount }, 'document upload started');
    res.status(201).json(state);
  });
  router.get('/document-requests/:id/files/:fileId', publicLimit, async (req, res) => {
    res.json(await service.fileState(req.tenantId, idOf(req.params.id), idOf(req.params.fileId)));
  });
  router.put('/document-requests/:id/files/:fileId/chunks/:n', publicLimit, chunkBody, async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const n = chunkIndexOf(req.params.n);
    if (n < 0) throw documentRequestGone();
    const outcome = await service.putChunk(req.tenantId, idOf(req.params.id), idOf(req.params.fileId), n, body);
    res.status(outcome === 'stored' ? 201 : 200).end();
  });
  router.put('/document-requests/:id/files/:fileId/name', publicLimit, chunkBody, async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const outcome = await service.putChunk(req.tenantId, idOf(req.params.id), idOf(req.params.fileId), -1, body);
    res.status(outcome === 'stored' ? 201 : 200).end();
  });
  router.post('/document-requests/:id/files/:fileId/finish', publicLimit, async (req, res) => {
    res.json(await service.finishFile(req.tenantId, idOf(req.params.id), idOf(req.params.fileId)));
  });
  router.post('/document-requests/:id/finish', publicLimit, async (req, res) => {
    const id = idOf(req.params.id);
    const done = await service.finish(req.tenantId, id);
    req.log.info({ request: shortId(id), files: done.files }, 'document request fulfilled');
    res.json(done);
  });
  return router;
}

/** `/api/v1/sidebar/document-requests*`, behind requireSession: scoped by the session's tenant AND ticket. */
export function sidebarDocumentRoutes(deps: { db: Db; documents: DocumentsService; publicUrl: string | undefined }): Router {
  const router = Router();
  const service = deps.documents;
  router.use('/document-requests', noStore);

  router.post('/document-requests', smallJson, async (req, res) => {
    const session = sessionOf(req);
    const body = CreateDocumentRequestSchema.parse(req.body);
    const tenant = await findActiveById(deps.db, session.tenantId);
    if (!tenant)
      throw new AppError('session_rejected', 'This sidebar session could not be verified. Reopen the ticket to start a new one.');
    const created = await service.create(session, body);
    const publicUrl = deps.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const base = publicUrl.replace(/\/+$/, '');
    const isDefault = tenant.id === DEFAULT_TENANT_ID;
    const answer: CreateDocumentRequestResponse = {
      id: created.id,
      expiresAt: created.expiresAt,
      link: `${base}${documentLinkPath(created.id, isDefault ? undefined : tenant.slug)}`,
    };
    req.log.info({ request: shortId(created.id), presets: body.presets.length, maxFiles: body.maxFiles }, 'document request created');
    res.status(201).json(answer);
  });
  router.get('/document-requests', routinePoll, async (req, res) => {
    res.json(await service.list(sessionOf(req)));
  });
  router.get('/document-requests/:id/material', async (req, res) => {
    res.json(await service.material(sessionOf(req), idOf(req.params.id)));
  });
  router.get('/document-requests/:id/files/:fileId/chunks/:n', async (req, res) => {
    const n = chunkIndexOf(req.params.n);
    const bytes = await service.chunk(sessionOf(req), idOf(req.params.id), idOf(req.params.fileId), n);
    res.type('application/octet-stream').send(bytes);
  });
  router.post('/document-requests/:id/review', smallJson, async (req, res) => {
    const id = idOf(req.params.id);
    const body = ReviewDocumentRequestSchema.parse(req.body);
    const done = await service.review(sessionOf(req), id, body);
    req.log.info({ request: shortId(id), outcome: body.outcome, deletedChunks: done.deletedChunks }, 'document request reviewed');
    res.json({ status: 'reviewed', outcome: body.outcome });
  });
  router.delete('/document-requests/:id', async (req, res) => {
    const id = idOf(req.params.id);
    await service.revoke(sessionOf(req), id);
    req.log.info({ request: shortId(id) }, 'document request revoked');
    res.status(204).end();
  });
  return router;
}
