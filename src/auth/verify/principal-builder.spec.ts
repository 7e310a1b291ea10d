import { describe, expect, it } from 'vitest';
import { parseAccessPolicy } from '../../rights/access-policy.js';
import { Authority } from '../../rights/authority.js';
import type { CredentialOwner } from '../../rights/principal.js';
import { Right } from '../../rights/right.js';
import { RightsCatalog } from '../../rights/rights-catalog.js';
import { apiKeyPrincipal } from './principal-builder.js';

const catalog = new RightsCatalog(
  parseAccessPolicy({
    rights: [{ name: 'RIGHT_TELEMETRY_READ', description: 'Read telemetry' }],
    authorities: { TENANT_ADMIN: ['RIGHT_TELEMETRY_READ'] },
  }),
);
const user = (authority: Authority): CredentialOwner => ({ type: 'user', id: 'u', authority, tenantId: 't', customerId: null, enabled: true, rights: null });
const account = (rights: string[], tenantId: string | null): CredentialOwner => ({ type: 'serviceAccount', id: 's', authority: null, tenantId, customerId: null, enabled: true, rights });

describe('apiKeyPrincipal', () => {
  it("gives a key its rights within its owner's, one shared set per rights and owner authority", () => {
    const a = apiKeyPrincipal(catalog, { id: 'A', rights: [Right.ALL] }, user(Authority.TENANT_ADMIN));
    const b = apiKeyPrincipal(catalog, { id: 'B', rights: [Right.ALL] }, user(Authority.TENANT_ADMIN));
    const customer = apiKeyPrincipal(catalog, { id: 'C', rights: [Right.ALL] }, user(Authority.CUSTOMER_USER));
    const narrow = apiKeyPrincipal(catalog, { id: 'D', rights: [Right.USER_INFO] }, user(Authority.TENANT_ADMIN));
    expect(b.rights).toBe(a.rights);
    expect([a.apiKeyId, b.apiKeyId]).toEqual(['A', 'B']);
    expect([...a.rights].sort()).toEqual([...catalog.authorityRights(Authority.TENANT_ADMIN)].sort());
    expect(a.rights.has('RIGHT_TELEMETRY_READ')).toBe(true);
    expect([...customer.rights].sort()).toEqual([...catalog.authorityRights(Authority.CUSTOMER_USER)].sort());
    expect([...narrow.rights]).toEqual([Right.USER_INFO]);
  });

  it("gives a service account's key no management right, whatever the key or the account holds", () => {
    const system = apiKeyPrincipal(catalog, { id: 'E', rights: [Right.ALL] }, account([Right.ALL], null));
    const tenant = apiKeyPrincipal(catalog, { id: 'F', rights: [Right.ALL] }, account([Right.ALL, Right.USER_ALL], 't'));
    expect([...system.rights].sort()).toEqual([Right.KEYS_VERIFY, Right.METRICS_READ, 'RIGHT_TELEMETRY_READ'].sort());
    expect([...tenant.rights].sort()).toEqual([Right.KEYS_VERIFY, 'RIGHT_TELEMETRY_READ'].sort());
    expect(tenant).toMatchObject({ ownerType: 'serviceAccount', userId: 's', authority: null });
  });
});
