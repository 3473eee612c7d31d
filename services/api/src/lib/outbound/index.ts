export { effectiveAddress, isPublicUnicast, specialPurpose } from './address';
export { isAllowlisted, parseOutboundAllow, type AllowEntry } from './allowlist';
export {
  createOutbound,
  isOutboundRefusal,
  OutboundRefused,
  type Outbound,
  type OutboundFetch,
  type OutboundOptions,
  type Resolver,
} from './outbound';
export { addressProblem, hostNameProblem, outboundPolicy, urlProblem, type OutboundPolicy } from './url-rules';
