import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { MALFORMED_TEXT_MESSAGE, findMalformedText, isWellFormedText, type TextPath } from '@vouchsafe/contracts';
import { AppError } from '../errors';
import { requireJson } from './middleware';

/**
 * Well-formed text everywhere a request carries text (contracts/text.ts): the path, the query
 * string and the body. `wellFormedUrl` runs once for the whole app, before any route; bodies are
 * parsed only through `jsonBody` / `formBody` below (lint bans every other body parser), which
 * check the parsed value before any handler runs. So no route can forget the rule, and Postgres
 * never sees a NUL or an unpaired surrogate (it refuses both, which used to surface as a 500).
 * Answers name where the problem is (`body field "label"`), never the text itself.
 */

/** Keys we are willing to repeat back in a message: short and plain. Anything else is described, not quoted. */
const PLAIN_KEY = /^[A-Za-z0-9_$-]{1,64}$/;

function describePath(path: TextPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (PLAIN_KEY.test(part)) out += out ? `.${part}` : part;
    else out += '[…]';
  }
  return out;
}

function refusal(where: string, issuePath: string, message = MALFORMED_TEXT_MESSAGE): AppError {
  return new AppError('bad_request', `The request is not valid: ${where} ${message}.`, { issues: [{ path: issuePath, message }] });
}

function checkParsed(kind: 'body' | 'query', value: unknown): AppError | undefined {
  const found = findMalformedText(value);
  if (!found) return undefined;
  const at = describePath(found.path);
  const noun = kind === 'body' ? 'field' : 'parameter';
  const where = found.isKey
    ? `a ${noun} name ${at ? `inside ${kind} ${noun} "${at}"` : `in the ${kind === 'body' ? 'body' : 'query string'}`}`
    : at
      ? `${kind} ${noun} "${at}"`
      : `the ${kind}`;
  return refusal(where, `${kind}${at ? `.${at}` : ''}`);
}

/** App-level, before every route: each path segment (as routes will decode it) and the query string. */
export function wellFormedUrl(req: Request, _res: Response, next: NextFunction): void {
  const segments = req.path.split('/');
  for (let i = 1; i < segments.length; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segments[i]!);
    } catch {
      next(refusal(`path segment ${i}`, `path.${i}`, 'is not valid percent-encoded UTF-8'));
      return;
    }
    if (!isWellFormedText(decoded)) {
      next(refusal(`path segment ${i}`, `path.${i}`));
      return;
    }
  }
  next(checkParsed('query', req.query));
}

function wellFormedBody(req: Request, _res: Response, next: NextFunction): void {
  next(checkParsed('body', req.body));
}

/** Runs handlers in order as one middleware (one route argument, so handler types still infer). */
function inOrder(handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err) {
        next(err);
        return;
      }
      const handler = handlers[i++];
      if (!handler) {
        next();
        return;
      }
      try {
        void handler(req, res, step);
      } catch (thrown) {
        next(thrown);
      }
    };
    step();
  };
}

/** The only JSON body parser: application/json only, size-limited, strict, then the text rule. */
export function jsonBody(limit: string | number): RequestHandler {
  return inOrder([requireJson, express.json({ limit, strict: true }), wellFormedBody]);
}

/** The text rule for a body a route parsed itself (after `rawBody`). */
export function refuseMalformedBody(value: unknown): void {
  const err = checkParsed('body', value);
  if (err) throw err;
}

/** The only form parser (the Zendesk sidebar's signed-URL POST). */
export function formBody(opts: { limit: string; parameterLimit: number }): RequestHandler {
  return inOrder([express.urlencoded({ extended: false, ...opts }), wellFormedBody]);
}

/**
 * The exact bytes of a request signed over its body (desk webhooks, issue 12; Slack's request signing, issue 13).
 * Signatures are made over the exact bytes, so the route checks the signature first and only then parses: desk
 * receivers with `parseSignedJson`, Slack's receiver itself followed by `refuseMalformedBody` (both apply the
 * well-formed text rule, like jsonBody). Any media type is read (senders label deliveries differently), bounded by `limit`.
 */
export function rawBody(limit: string | number): RequestHandler {
  return express.raw({ type: () => true, limit });
}

/** JSON from a verified webhook body; 400 `bad_request` when it is not a JSON object or carries malformed text. */
export function parseSignedJson(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('bad_request', 'The request is not valid: the body is not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppError('bad_request', 'The request is not valid: the body is not a JSON object.');
  }
  const malformed = checkParsed('body', value);
  if (malformed) throw malformed;
  return value as Record<string, unknown>;
}

/**
 * The only binary body parser (issue 11: encrypted document chunks): application/octet-stream only, size-limited. The
 * body is ciphertext, so the text rule does not apply; a chunk's exact length is checked by its route.
 */
export function binaryBody(limit: number): RequestHandler {
  const parse = express.raw({ type: 'application/octet-stream', limit });
  return (req, res, next) => {
    if (!req.is('application/octet-stream')) {
      next(new AppError('unsupported_media_type', 'Send the chunk as application/octet-stream.'));
      return;
    }
    void parse(req, res, next);
  };
}
