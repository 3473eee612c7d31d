export * from './errors';
export * from './secrets';
export * from './sidebar';
export * from './verification';
export * from './format';
export * from './oidc-identity';
export * from './text';
export * from './wire';
