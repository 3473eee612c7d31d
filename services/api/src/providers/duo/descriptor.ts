import type { IdpDescriptor } from '../descriptor';
import { z } from 'zod';
import { UniversalStateSchema } from './duo-universal';
import { createDuoProvider, DuoPushStateSchema } from './duo.provider';

const DUO_HOST = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.duo(?:security|federal)\.com$/;

/**
 * The Duo SDKs take no connection hook (NOTES.md), so a Duo API host must be one of Duo's own names whatever the
 * operator allows, unless the development flag is on.
 */
export const duoDescriptor: IdpDescriptor<'duo'> = {
  kind: 'duo',
  name: 'Duo',
  methods: ['duo_push', 'duo_universal'],
  methodsOf: (settings) => (settings.hasUniversalPrompt === true ? ['duo_push', 'duo_universal'] : ['duo_push']),
  publicSettings: (config) => ({
    apiHost: config.apiHost,
    integrationKey: config.integrationKey,
    hasUniversalPrompt: config.universal !== undefined,
    ...(config.universal ? { universalClientId: config.universal.clientId } : {}),
  }),
  registrationIssues: (config, outbound) =>
    Promise.resolve(
      outbound.policy.isAnyAddressAllowed || DUO_HOST.test(config.apiHost)
        ? []
        : [
            {
              path: 'apiHost',
              message:
                'must be a Duo API host (api-….duosecurity.com or api-….duofederal.com, without a port); other hosts only with VOUCHSAFE_ALLOW_INSECURE_HELPDESKS, in development and tests',
            },
          ],
    ),
  auditHost: (config) => config.apiHost,
  stateSchema: z.union([DuoPushStateSchema, UniversalStateSchema]),
  hasCallback: true,
  create: createDuoProvider,
};
