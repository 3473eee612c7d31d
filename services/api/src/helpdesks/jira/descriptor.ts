import { DESK_LABELS } from '@vouchsafe/contracts';
import { urlIssues } from '../../providers/descriptor';
import { stripSlash, type DeskDescriptor } from '../descriptor';
import { createJiraConnector } from './jira.connector';

export const jiraDescriptor: DeskDescriptor<'jira'> = {
  desk: 'jira',
  name: DESK_LABELS.jira,
  accountOf: (req) => req.cloudId,
  verificationOf: (req) => ({
    cloudId: req.cloudId,
    siteUrl: stripSlash(req.siteUrl),
    appId: req.appId,
    ...(req.jwksUrl ? { jwksUrl: req.jwksUrl } : {}),
  }),
  // The site's own REST API (Atlassian cloud sites: https://{site}.atlassian.net).
  defaultApiBaseUrl: (_account, verification) => stripSlash(String(verification.siteUrl ?? '')),
  registrationIssues: (req, outbound) => urlIssues(outbound, { apiBaseUrl: req.apiBaseUrl, jwksUrl: req.jwksUrl, siteUrl: req.siteUrl }),
  createConnector: createJiraConnector,
};
