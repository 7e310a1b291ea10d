import { Inject, Injectable } from '@nestjs/common';
import { ApiKeysService } from '../../../api-keys/api-keys.service.js';
import { SERVER_SECRETS, type ServerSecrets } from '../../../config/config.module.js';
import { UsersService } from '../../../users/users.service.js';
import { SessionsService } from '../../login/sessions/sessions.service.js';
import type { CredentialHeader } from '../credentials.js';
import { ApiKeyStrategy } from './api-key.strategy.js';
import { JwtStrategy } from './jwt.strategy.js';

/** The Passport strategy that verifies each kind of credential in each header, on the real request. */
@Injectable()
export class CredentialStrategies {
  readonly jwt: Record<CredentialHeader, JwtStrategy>;
  readonly apiKey: Record<CredentialHeader, ApiKeyStrategy>;

  constructor(@Inject(SERVER_SECRETS) secrets: ServerSecrets, users: UsersService, sessions: SessionsService, apiKeys: ApiKeysService) {
    this.jwt = {
      authorization: new JwtStrategy('authorization', secrets, users, sessions),
      'x-authorization': new JwtStrategy('x-authorization', secrets, users, sessions),
    };
    this.apiKey = { authorization: new ApiKeyStrategy('authorization', apiKeys), 'x-authorization': new ApiKeyStrategy('x-authorization', apiKeys) };
  }
}
