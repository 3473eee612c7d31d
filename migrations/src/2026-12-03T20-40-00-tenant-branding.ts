import { type Kysely, sql } from 'kysely';

/**
 * Issue 14, "links a customer can trust": one branding row per tenant (what every customer page shows: the bank's
 * name, a small PNG logo served from our own origin, a brand colour, a support contact, an optional custom link
 * domain), and a second per-tenant key purpose, `link-phrase`, the HMAC key of the phrase a customer compares with
 * what the agent says. Values are validated by the API (modules/branding); the checks here are the last line.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tenant_branding')
    .addColumn('tenant_id', 'uuid', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('display_name', 'text', (c) => c.notNull().check(sql`char_length(display_name) BETWEEN 1 AND 80`))
    // PNG only, at most 64 KiB; the API checks the signature and the size before it stores it.
    .addColumn('logo_png', 'bytea', (c) => c.check(sql`octet_length(logo_png) <= 65536`))
    .addColumn('brand_color', 'text', (c) => c.check(sql`brand_color ~ '^#[0-9a-f]{6}$'`))
    .addColumn('support_phone', 'text', (c) => c.check(sql`char_length(support_phone) <= 32`))
    .addColumn('support_url', 'text', (c) => c.check(sql`char_length(support_url) <= 300`))
    .addColumn('link_domain', 'text', (c) => c.check(sql`link_domain ~ '^[a-z0-9.-]{4,253}$'`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One host names one tenant: links built with it, and the check page on it, answer for that bank only.
  await sql`CREATE UNIQUE INDEX tenant_branding_link_domain_uq ON tenant_branding (link_domain) WHERE link_domain IS NOT NULL`.execute(db);

  await sql`ALTER TABLE tenant_keys DROP CONSTRAINT tenant_keys_purpose_check`.execute(db);
  await sql`ALTER TABLE tenant_keys ADD CONSTRAINT tenant_keys_purpose_check CHECK (purpose IN ('requester-key', 'link-phrase'))`.execute(
    db,
  );

  // The ticket number as the desk shows it (`#123`, `INC0010001`), for the customer's "sent by" line; null on rows
  // written before this migration (the page then shows the ticket id).
  await db.schema
    .alterTable('ticket_secrets')
    .addColumn('ticket_display_id', 'text', (c) => c.check(sql`char_length(ticket_display_id) <= 64`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ticket_secrets').dropColumn('ticket_display_id').execute();
  await sql`DELETE FROM tenant_keys WHERE purpose = 'link-phrase'`.execute(db);
  await sql`ALTER TABLE tenant_keys DROP CONSTRAINT tenant_keys_purpose_check`.execute(db);
  await sql`ALTER TABLE tenant_keys ADD CONSTRAINT tenant_keys_purpose_check CHECK (purpose IN ('requester-key'))`.execute(db);
  await db.schema.dropTable('tenant_branding').ifExists().execute();
}
