export { createTwilioProvider, type TwilioConfig, type TwilioProviderOptions, type TwilioProviderState } from './twilio.provider';
export { maskPhone, toE164 } from './phone';
