import { Injectable } from '@nestjs/common';

/** An institution's registered provider, as sign-in needs it. */
export interface IssuerEntry {
  tenantId: string;
  /** The institution's slug: how the week page's "Sign in with …" names it in a URL. */
  slug: string;
  issuer: string;
  audience: string;
  emailClaim: string;
  externalIdClaim: string | null;
}

/**
 * Which institution an issuer belongs to, in memory: a request never reads the registry (that
 * needs the cross-tenant worker role). `IssuerDirectoryRefresher` loads it in the background,
 * and a change made in this process is put here at once.
 */
@Injectable()
export class IssuerDirectory {
  private byIssuer = new Map<string, IssuerEntry>();

  get(issuer: string): IssuerEntry | undefined {
    return this.byIssuer.get(issuer);
  }

  /** The provider of the institution with this slug, if it registered one. */
  forSlug(slug: string): IssuerEntry | undefined {
    for (const entry of this.byIssuer.values()) if (entry.slug === slug) return entry;
    return undefined;
  }

  /** The whole registry, as loaded: issuers no longer registered are gone. */
  replace(entries: readonly IssuerEntry[]): void {
    this.byIssuer = new Map(entries.map((e) => [e.issuer, e]));
  }

  /** An institution's new provider: its previous issuer stops signing anyone in. */
  put(entry: IssuerEntry): void {
    const next = new Map([...this.byIssuer].filter(([, e]) => e.tenantId !== entry.tenantId));
    next.set(entry.issuer, entry);
    this.byIssuer = next;
  }
}
