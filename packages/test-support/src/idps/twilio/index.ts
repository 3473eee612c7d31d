/**
 * Twilio Verify v2 stand-in (Verifications, VerificationCheck, cancel) with Basic auth and Twilio's error bodies.
 *
 *   const twilio = await startTwilioStandIn();
 *   await admin.put(`/api/v1/admin/tenants/acme/idp/twilio`, twilio.config);
 *   twilio.lastCode('+15550199101');                 // the code "sent" to that phone
 *   twilio.expire();                                  // as if ten minutes passed
 *   GET /__phone/twilio/messages                      // the demo's phone page reads sent codes here
 */
export {
  createTwilioStandIn,
  startTwilioStandIn,
  TWILIO_TEST_CREDENTIALS,
  type StartedTwilioStandIn,
  type TwilioLogEntry,
  type TwilioMessage,
  type TwilioStandIn,
  type TwilioStandInConfig,
  type TwilioStandInOptions,
  type TwilioVerification,
  type TwilioVerificationStatus,
} from './twilio.stand-in';
