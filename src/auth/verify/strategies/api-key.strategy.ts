import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import type { ApiKeysService, KeyVerification } from '../../../api-keys/api-keys.service.js';
import { credentialIn, type CredentialHeader } from '../credentials.js';

/** The schemes a key may come with in each header: `Authorization: Bearer <key>`, `X-Authorization: ApiKey|Bearer <key>`. */
const KEY_SCHEMES: Record<CredentialHeader, readonly string[]> = {
  authorization: ['bearer'],
  'x-authorization': ['apikey', 'bearer'],
};

/**
 * Verifies the key in one header of the request against the database, returning the decision
 * (the key with its owner, or why not). passport-headerapikey reads the header from the request;
 * its prefix is matched in one letter case only, so it hands over the whole value and the scheme
 * word is read here, in any case, as everywhere else.
 */
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, 'api-key') {
  constructor(
    private readonly header: CredentialHeader,
    private readonly apiKeys: ApiKeysService,
  ) {
    super({ header, prefix: '' }, false);
  }

  async validate(headerValue: string): Promise<KeyVerification | false> {
    const key = credentialIn(headerValue, KEY_SCHEMES[this.header]);
    return key === undefined ? false : this.apiKeys.verify(key);
  }
}
