import { Injectable } from '@nestjs/common';
import type { IdentityProviderConfig } from '@rapport/domain';
import type { Tx } from '@rapport/event-store';

/** The issuer registry (docs/adr/0015): one row per institution, each issuer at one only. */
@Injectable()
export class IdentityProviderRepository {
  /**
   * Records the institution's provider in `tx` (fenced to the institution). An issuer another
   * institution uses fails on the unique index: `isIssuerTaken` recognises that error.
   */
  async save(tx: Tx, provider: IdentityProviderConfig, at: Date): Promise<void> {
    await tx.query(
      `INSERT INTO identity_providers
              (tenant_id, issuer, audience, email_claim, external_id_claim, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id) DO UPDATE SET issuer = EXCLUDED.issuer, audience = EXCLUDED.audience,
         email_claim = EXCLUDED.email_claim, external_id_claim = EXCLUDED.external_id_claim,
         updated_at = EXCLUDED.updated_at`,
      [
        tx.tenantId,
        provider.issuer,
        provider.audience,
        provider.emailClaim,
        provider.externalIdClaim,
        at.toISOString(),
      ],
    );
  }
}

export function isIssuerTaken(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } })
    .driverError;
  return driverError?.code === '23505';
}
