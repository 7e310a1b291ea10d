import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { ApiKeysService, type VerifiedApiKey } from '../../../api-keys/api-keys.service.js';

export const API_KEY_STRATEGY = 'api-key';

/** Verifies `X-Authorization: ApiKey <key>` against the database and returns the key with its owner. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, API_KEY_STRATEGY) {
  constructor(private readonly apiKeys: ApiKeysService) {
    super({ header: 'X-Authorization', prefix: 'ApiKey ' }, false);
  }

  validate(apiKey: string): Promise<VerifiedApiKey> {
    return this.apiKeys.verify(apiKey);
  }
}
