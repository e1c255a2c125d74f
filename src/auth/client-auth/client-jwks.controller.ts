import { Controller, Get, NotFoundException, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { JSONWebKeySet } from 'jose';
import { Public } from '../guard/auth.decorators.js';
import { ClientAuthentication } from './client-authentication.js';

/** Where an IdP fetches the public keys of this client's private_key_jwt assertions (Keycloak: "Signed JWT" + "Use JWKS URL"). */
export const CLIENT_JWKS_PATH = '.well-known/jwks.json';

@ApiTags('auth')
@Controller()
export class ClientJwksController {
  constructor(private readonly auth: ClientAuthentication) {}

  @Public()
  @Get(CLIENT_JWKS_PATH)
  @ApiOperation({ summary: "The client's public signing keys (AUTH_CLIENT_AUTH=private_key_jwt only; 404 otherwise)" })
  async jwks(@Res({ passthrough: true }) res: Response): Promise<JSONWebKeySet> {
    const jwks = await this.auth.publicJwks();
    if (!jwks) throw new NotFoundException('This client signs no assertions (AUTH_CLIENT_AUTH is not private_key_jwt).');
    // IdPs cache it; a rotated key is published beside the old one for a while (Key Vault versions).
    res.setHeader('Cache-Control', 'public, max-age=300');
    return jwks;
  }
}
