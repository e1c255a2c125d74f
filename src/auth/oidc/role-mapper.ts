import { Logger } from '@nestjs/common';
import type { Claims } from '../auth-user.js';
import type { OidcConfig } from './oidc.config.js';

export type { Claims };

/** Turns one provider's token claims into the app's role names (abstract class: type and DI token). */
export abstract class RoleMapper {
  abstract readonly kind: string;
  abstract roles(claims: Claims): string[];
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Reads `a.b.c` from nested claims; a key that itself contains dots (`https://x/roles`) is tried whole first. */
export function claimAt(claims: Claims, path: string): unknown {
  if (path in claims) return claims[path];
  let node: unknown = claims;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Keycloak: realm roles plus this client's roles (`resource_access.<client>.roles`). */
export class KeycloakRoleMapper extends RoleMapper {
  readonly kind = 'keycloak';
  constructor(private readonly client: string) {
    super();
  }
  roles(claims: Claims): string[] {
    const realm = strings(claimAt(claims, 'realm_access.roles'));
    const resource = claims.resource_access as Record<string, { roles?: unknown }> | undefined;
    const client = strings(resource?.[this.client]?.roles);
    return [...new Set([...realm, ...client])];
  }
}

/**
 * Entra ID: app roles (`roles`) and group object ids (`groups`). Past 200 groups Entra leaves
 * `groups` out and points at Graph (`_claim_names.groups`): that overage is logged and counted
 * (`overages`), so a missing group role is never silently treated as "no groups".
 */
export class EntraRoleMapper extends RoleMapper {
  readonly kind = 'entra';
  private readonly logger = new Logger('EntraRoleMapper');
  private overageCount = 0;

  /** Tokens seen with a group overage (they list no groups). */
  get overages(): number {
    return this.overageCount;
  }

  roles(claims: Claims): string[] {
    const names = claims._claim_names as Record<string, unknown> | undefined;
    if ((names && 'groups' in names) || claims.hasgroups === true) {
      this.overageCount++;
      this.logger.warn(
        `Group overage for user ${String(claims.oid ?? claims.sub)} in tenant ${String(claims.tid)}: the token lists no groups; ` +
          'use app roles or read groups from Microsoft Graph',
      );
    }
    return [...new Set([...strings(claims.roles), ...strings(claims.groups)])];
  }
}

/** Any issuer: roles at a configured claim path, as an array or a space/comma separated string. */
export class ClaimPathRoleMapper extends RoleMapper {
  readonly kind = 'claim';
  constructor(private readonly path: string) {
    super();
  }
  roles(claims: Claims): string[] {
    const value = claimAt(claims, this.path);
    if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
    return strings(value);
  }
}

export function createRoleMapper(config: Pick<OidcConfig, 'roleMapping' | 'resourceClient' | 'rolesClaim'>): RoleMapper {
  switch (config.roleMapping) {
    case 'keycloak':
      return new KeycloakRoleMapper(config.resourceClient);
    case 'entra':
      return new EntraRoleMapper();
    case 'claim':
      return new ClaimPathRoleMapper(config.rolesClaim);
  }
}
