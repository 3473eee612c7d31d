export * from './operator-client';
export { failureText } from './failure-text';
export { useLoadable, type Loadable } from './use-loadable';
export { Notice } from './Notice';
export { ConsoleBar } from './ConsoleBar';
export { OperatorGate, type OperatorGateProps, type SignedIn } from './OperatorGate';
