import { DESK_LABELS } from '@vouchsafe/contracts';
import { rsaCertificateProblem, rsaPublicKeyProblem } from '../../lib/key-material';
import { urlIssues } from '../../providers/descriptor';
import type { DeskDescriptor } from '../descriptor';
import { createServiceNowConnector } from './servicenow.connector';

export const serviceNowDescriptor: DeskDescriptor<'servicenow'> = {
  desk: 'servicenow',
  name: DESK_LABELS.servicenow,
  accountOf: (req) => req.instance,
  verificationOf: (req) => ({ instance: req.instance, certificatePem: req.certificatePem, audience: req.audience }),
  defaultApiBaseUrl: (account) => `https://${account}.service-now.com`,
  async registrationIssues(req, outbound) {
    const issues = await urlIssues(outbound, { apiBaseUrl: req.apiBaseUrl });
    // A certificate from the instance's keystore, or its public key (the API has always accepted either form).
    const isCertificate = /-----BEGIN CERTIFICATE-----/.test(req.certificatePem);
    const key = isCertificate ? rsaCertificateProblem(req.certificatePem) : rsaPublicKeyProblem(req.certificatePem);
    return key ? [...issues, { path: 'certificatePem', message: key }] : issues;
  },
  createConnector: createServiceNowConnector,
};
