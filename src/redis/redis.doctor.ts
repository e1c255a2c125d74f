import { Injectable } from '@nestjs/common';
import { check, Diagnoses, type DoctorCheck, type DoctorChecks, fail, ok } from '../doctor/doctor-check.js';
import { RedisConnection } from './redis-connection.js';

/** Redis, when a capability uses it: reachable, and its AUTH accepted (a one-off connection with the app's own credentials). */
@Injectable()
@Diagnoses()
export class RedisDoctor implements DoctorChecks {
  constructor(private readonly connection: RedisConnection) {}

  checks(): DoctorCheck[] {
    if (!this.connection.inUse) return [];
    return [check('redis', () => this.probe())];
  }

  private async probe() {
    const config = this.connection.config;
    const usedBy = config.usedBy.join(', ');
    try {
      await this.connection.probe();
      return ok(`${config.target} answers PING (auth ${config.auth}; used by ${usedBy})`);
    } catch (error) {
      const message = (error as Error).message ?? '';
      if (/^SECRET_/.test((error as { code?: string }).code ?? '')) {
        return fail(`Redis' password cannot be read: ${message}`, 'store it in the secret store under that name', 'REDIS_PASSWORD_SECRET_NAME');
      }
      // Redis' own words: WRONGPASS (bad password or user), NOAUTH (a password is needed), ERR AUTH … without any password configured.
      const refusal = /^(WRONGPASS|NOAUTH|ERR AUTH|ERR invalid password|ERR Client sent AUTH)/.exec(message)?.[1];
      if (refusal) {
        const [fix, variable] =
          config.auth === 'password'
            ? ['store the password Redis expects under that name in the secret store (locally SECRET_REDIS_PASSWORD)', 'REDIS_PASSWORD_SECRET_NAME']
            : config.auth === 'entra'
              ? ["give the app's identity a data-access policy on the cache and set REDIS_USERNAME to its principal id", 'REDIS_USERNAME']
              : ['this Redis wants a password: set REDIS_AUTH=password and store it in the secret store', 'REDIS_AUTH'];
        return fail(`${config.target} refuses AUTH (${refusal})`, fix, variable);
      }
      const code = (error as NodeJS.ErrnoException).code;
      return fail(`cannot reach ${config.target} (${code ?? message.slice(0, 80)})`, 'start Redis or correct its address', config.url ? 'REDIS_URL' : 'REDIS_HOST');
    }
  }
}
