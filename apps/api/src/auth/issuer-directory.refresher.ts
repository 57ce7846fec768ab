import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { type Database, WORKER_DATABASE } from '@rapport/event-store';
import { APP_CONFIG } from '../app-config.token';
import type { AppConfig } from '../config/app-config';
import { IssuerDirectory } from './issuer-directory.service';

const DEFAULT_REFRESH_MS = 5_000;

/**
 * Background work: reloads the issuer directory from the registry every few seconds on the
 * worker's connection (the registry spans institutions), so a provider registered through
 * another process signs people in here too. Nothing on a request path waits for it.
 */
@Injectable()
export class IssuerDirectoryRefresher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('IssuerDirectory');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(WORKER_DATABASE) private readonly worker: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly directory: IssuerDirectory,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.refreshLogged();
    const every = this.config.auth.providers?.directoryRefreshMs ?? DEFAULT_REFRESH_MS;
    this.timer = setInterval(() => void this.refreshLogged(), every);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async refresh(): Promise<void> {
    const rows = await this.worker.withoutTenant((tx) =>
      tx.query<{
        tenant_id: string;
        slug: string;
        issuer: string;
        audience: string;
        email_claim: string;
        external_id_claim: string | null;
      }>(
        // The slug names the institution in the week page's provider sign-in URL.
        `SELECT p.*, t.slug FROM rapport_identity_providers() p
           JOIN rapport_find_tenants(NULL) t USING (tenant_id)`,
      ),
    );
    this.directory.replace(
      rows.map((r) => ({
        tenantId: r.tenant_id,
        slug: r.slug,
        issuer: r.issuer,
        audience: r.audience,
        emailClaim: r.email_claim,
        externalIdClaim: r.external_id_claim,
      })),
    );
  }

  /** A failed reload keeps the last directory; the next tick tries again. */
  private async refreshLogged(): Promise<void> {
    try {
      await this.refresh();
    } catch (error) {
      this.logger.warn(
        `could not reload the issuer directory: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
