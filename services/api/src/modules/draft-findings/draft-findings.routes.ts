import { Router } from 'express';
import { DraftFindingsRequestSchema } from '@vouchsafe/contracts';
import { AppError } from '../../errors';
import { jsonBody } from '../../http/input';
import { recordDraftFindings, type RecordDraftFindingsDeps } from './record-draft-findings';

const PATH = '/draft-findings';

/**
 * `POST /api/v1/sidebar/draft-findings` (issue 12): mounted behind requireSession() with the other sidebar routes.
 * Answers 201 with the receipt and the counts recorded.
 */
export function draftFindingsRoutes(deps: RecordDraftFindingsDeps): Router {
  const router = Router();
  router.post(PATH, jsonBody('16kb'), async (req, res) => {
    const session = req.session;
    if (!session)
      throw new AppError('session_rejected', 'This sidebar session could not be verified. Reopen the ticket to start a new one.');
    const body = DraftFindingsRequestSchema.parse(req.body);
    const recorded = await recordDraftFindings(deps, session, body);
    req.log.info({ counts: recorded.counts }, 'reply sent after a warning');
    res.status(201).json(recorded);
  });
  return router;
}
