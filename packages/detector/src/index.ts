export { detect } from './detect';
export { redact, defaultPlaceholder, type Placeholder } from './redact';
export { kindLabel } from './mask';
export { findingFacts, describeFinding, type FindingFacts } from './describe';
export { KINDS, KIND_GROUPS, DEFAULT_MIN_CONFIDENCE, type Finding, type FindingKind, type DetectOptions } from './types';
export { luhn, ibanValid } from './checksums';
export { cardIssuer } from './cards';
