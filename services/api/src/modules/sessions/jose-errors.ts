import { errors } from 'jose';
import { AppError } from '../../errors';
import { isOutboundRefusal } from '../../lib/outbound';
import { SessionRejection, type RejectionReason } from './session-rejection';

/** Maps what jose threw to a stable rejection reason; anything else (a bug) is rethrown as is. */
export function rejectionFromJose(err: unknown): SessionRejection | AppError {
  if (err instanceof SessionRejection || err instanceof AppError) return err;
  const reason = reasonOf(err);
  if (reason) return new SessionRejection(reason, err instanceof Error ? err.name : undefined);
  if (err instanceof errors.JWKSTimeout || isJwksFetchFailure(err)) {
    return new AppError('helpdesk_unavailable', 'Vouchsafe could not fetch the help desk signing keys. Try again in a moment.', {
      cause: err,
    });
  }
  throw err;
}

function reasonOf(err: unknown): RejectionReason | undefined {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return 'claims_missing';
    if (err.claim === 'aud') return 'wrong_audience';
    if (err.claim === 'iss') return 'wrong_issuer';
    if (err.claim === 'nbf' || err.claim === 'iat') return 'not_yet_valid';
    return 'malformed';
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return 'alg_not_allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey) return 'bad_signature';
  if (err instanceof errors.JWKSMultipleMatchingKeys) return 'bad_signature';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed';
  return undefined;
}

function isJwksFetchFailure(err: unknown): boolean {
  // A JWKS endpoint that answers non-200 or is unreachable: jose raises JOSEError / fetch's TypeError; the outbound
  // guard refuses a URL or address it may not connect to (S12).
  return err instanceof errors.JWKSInvalid || err instanceof errors.JOSEError || err instanceof TypeError || isOutboundRefusal(err);
}
