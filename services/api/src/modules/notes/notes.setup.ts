import type { Config } from '../../config';
import type { Db } from '../../db/database';
import { createConnector } from '../../helpdesks';
import type { Outbound } from '../../lib/outbound';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics';
import type { Keyring } from '../keys/keyring';
import { createTenantsService } from '../tenants/tenants.service';
import { createNoteDispatcher, type NoteDispatcher } from './note-delivery';

export interface NotesSetupDeps {
  db: Db;
  keyring: Keyring;
  logger: Logger;
  metrics: Pick<Metrics, 'notesDelivered' | 'notesFailed'>;
  config: Pick<Config, 'noteMaxAttempts' | 'noteBackoffMs' | 'helpdeskTimeoutMs'>;
  /** The process's one outbound-connection guard (S12). */
  outbound: Outbound;
}

/** The note dispatcher wired to the tenants table and the real connectors (one per process). */
export function setupNotes(deps: NotesSetupDeps): NoteDispatcher {
  const tenants = createTenantsService({ db: deps.db, keyring: deps.keyring, outbound: deps.outbound });
  return createNoteDispatcher({
    db: deps.db,
    logger: deps.logger,
    metrics: deps.metrics,
    loadTenant: (id) => tenants.loadDeskTenant({ id }),
    connectorFor: (tenant) => createConnector(tenant, { timeoutMs: deps.config.helpdeskTimeoutMs, outbound: deps.outbound }),
    maxAttempts: deps.config.noteMaxAttempts,
    backoffMs: deps.config.noteBackoffMs,
    timeoutMs: deps.config.helpdeskTimeoutMs,
  });
}
