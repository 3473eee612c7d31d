import { Counter, type Registry } from 'prom-client';
import { SIGN_IN_REFUSALS } from './operator-oidc';

/** Operator sign-in metrics, on the app's own registry (metrics.ts); labels never carry who. */
export function createOperatorMetrics(registry: Registry) {
  const registers = [registry];
  const signIns = new Counter({
    name: 'vouchsafe_operator_sign_ins_total',
    help: 'Operator sign-ins by outcome (signed_in, refused) and, when refused, reason.',
    labelNames: ['outcome', 'reason'] as const,
    registers,
  });
  signIns.inc({ outcome: 'signed_in', reason: '' }, 0);
  for (const reason of SIGN_IN_REFUSALS) signIns.inc({ outcome: 'refused', reason }, 0);
  const signOuts = new Counter({ name: 'vouchsafe_operator_sign_outs_total', help: 'Operator sign-outs.', registers });
  const requestsRefused = new Counter({
    name: 'vouchsafe_operator_requests_refused_total',
    help: 'Operator requests refused: no_session (none, expired or forged), csrf (missing or wrong token), role (lacks the role).',
    labelNames: ['reason'] as const,
    registers,
  });
  for (const reason of ['no_session', 'csrf', 'role']) requestsRefused.inc({ reason }, 0);
  return { signIns, signOuts, requestsRefused };
}

export type OperatorMetrics = ReturnType<typeof createOperatorMetrics>;
