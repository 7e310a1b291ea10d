import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { ApiKeysService, type KeyVerification } from '../../../api-keys/api-keys.service.js';

export const API_KEY_STRATEGY = 'api-key';

/** Verifies `X-Authorization: ApiKey <key>` against the database, returning the decision (the key with its owner, or why not). */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, API_KEY_STRATEGY) {
  constructor(private readonly apiKeys: ApiKeysService) {
    super({ header: 'X-Authorization', prefix: 'ApiKey ' }, false);
  }

  validate(apiKey: string): Promise<KeyVerification> {
    return this.apiKeys.verify(apiKey);
  }
}
