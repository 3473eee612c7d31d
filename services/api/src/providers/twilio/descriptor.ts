import { hostOfUrl, urlIssues, type IdpDescriptor } from '../descriptor';
import { createTwilioProvider, TwilioStateSchema } from './twilio.provider';

export const twilioDescriptor: IdpDescriptor<'twilio'> = {
  kind: 'twilio',
  name: 'Twilio Verify',
  methods: ['callback_sms', 'callback_voice'],
  methodsOf: () => ['callback_sms', 'callback_voice'],
  publicSettings: (config) => ({
    accountSid: config.accountSid,
    serviceSid: config.serviceSid,
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
  }),
  registrationIssues: (config, outbound) => urlIssues(outbound, { baseUrl: config.baseUrl }),
  auditHost: (config) => hostOfUrl(config.baseUrl),
  stateSchema: TwilioStateSchema,
  hasCallback: false,
  create: createTwilioProvider,
};
