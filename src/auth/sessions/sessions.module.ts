import { Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { everyInterval } from '../../common/periodic-task.js';
import { Clock, ClockModule } from '../../common/clock.js';
import { RuntimeConfig } from '../../config/runtime.config.js';
import { RedisConnection } from '../../redis/redis-connection.js';
import { RedisModule } from '../../redis/redis.module.js';
import { SecretsService } from '../../secrets/secrets.service.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { CookieSealers } from './cookie-sealer.js';
import { LoginTransactions } from './login-transactions.js';
import { LogoutClaims } from './logout-claims.js';
import { SessionCache } from './session-cache.js';
import { SessionRefresher } from './session-refresher.js';
import { SessionStore } from './session-store.js';
import { createSessionStore } from './session-store.factory.js';
import { SessionsConfig, sessionsConfigSection } from './sessions.config.js';
import { SessionsDoctor } from './sessions.doctor.js';
import { SessionsService } from './sessions.service.js';

/** The cookie keys are derived from the session secret: fewer than 32 bytes is guessable material. */
export function sessionSecretProblem(value: string): string | undefined {
  const bytes = Buffer.byteLength(value, 'utf8');
  return bytes < 32 ? `shorter than 32 bytes (${bytes}), refused when NODE_ENV=production` : undefined;
}

/** Browser sessions: their store (AUTH_SESSION_STORE), lifecycle, cache, refresh, login transactions and logout replay claims. */
@Module({
  imports: [sessionsConfigSection.forFeature(), ClockModule, RedisModule, OidcModule],
  providers: [
    { provide: SessionStore, inject: [SessionsConfig, Clock, RedisConnection], useFactory: createSessionStore },
    CookieSealers,
    SessionCache,
    SessionRefresher,
    SessionsService,
    LoginTransactions,
    LogoutClaims,
    SessionsDoctor,
  ],
  exports: [SessionsService, LoginTransactions, LogoutClaims, SessionStore],
})
export class SessionsModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sessions');
  private stopSweeping?: () => void;

  constructor(
    private readonly config: SessionsConfig,
    private readonly runtime: RuntimeConfig,
    private readonly secrets: SecretsService,
    private readonly store: SessionStore,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) return;
    // Readiness reports it until it can be read (Key Vault or SECRET_* variables). In production a
    // short session secret is refused at first read: readiness stays down and logins fail with
    // SECRET_UNUSABLE until the store holds a strong one.
    this.secrets.require(this.config.sessionSecretName, {
      check: this.runtime.isProduction ? sessionSecretProblem : undefined,
      versions: this.config.sessionSecretVersions,
      variable: 'AUTH_SESSION_SECRET_NAME',
    });
    // Every shared row has a lifetime: ended sessions and spent logout-token claims are deleted.
    this.stopSweeping = everyInterval(
      this.config.sweepIntervalMs,
      async () => {
        const swept = await this.store.sweepExpired();
        if (swept) this.logger.log(`Swept ${swept} ended session(s) and logout-token claim(s) from the ${this.store.kind} store`);
      },
      this.logger,
      'Sweeping ended sessions',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopSweeping?.();
    await this.store.close();
  }
}
