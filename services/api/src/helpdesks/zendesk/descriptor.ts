import { DESK_LABELS } from '@vouchsafe/contracts';
import { rsaPublicKeyProblem } from '../../lib/key-material';
import { urlIssues } from '../../providers/descriptor';
import type { DeskDescriptor } from '../descriptor';
import { createZendeskConnector } from './zendesk.connector';

export const zendeskDescriptor: DeskDescriptor<'zendesk'> = {
  desk: 'zendesk',
  name: DESK_LABELS.zendesk,
  accountOf: (req) => req.subdomain,
  verificationOf: (req) => ({ subdomain: req.subdomain, installationId: req.installationId, publicKeyPem: req.publicKeyPem }),
  defaultApiBaseUrl: (account) => `https://${account}.zendesk.com`,
  async registrationIssues(req, outbound) {
    const issues = await urlIssues(outbound, { apiBaseUrl: req.apiBaseUrl });
    const key = rsaPublicKeyProblem(req.publicKeyPem);
    return key ? [...issues, { path: 'publicKeyPem', message: key }] : issues;
  },
  createConnector: createZendeskConnector,
};
