import { describe, expect, it } from 'vitest';
import { Authority } from '../../rights/authority.js';
import { Right } from '../../rights/right.js';
import { authorityRights } from '../../rights/effective-rights.js';
import type { User } from '../../users/user.entity.js';
import { apiKeyPrincipal } from './principal-builder.js';

const user = (authority: Authority) => ({ id: 'u', authority, tenantId: 't', customerId: null, enabled: true }) as User;

describe('apiKeyPrincipal', () => {
  it("gives a key its rights within its owner's, one shared set per rights and owner authority", () => {
    const a = apiKeyPrincipal({ id: 'A', rights: [Right.USER_ALL] }, user(Authority.TENANT_ADMIN));
    const b = apiKeyPrincipal({ id: 'B', rights: [Right.USER_ALL] }, user(Authority.TENANT_ADMIN));
    const customer = apiKeyPrincipal({ id: 'C', rights: [Right.USER_ALL] }, user(Authority.CUSTOMER_USER));
    const narrow = apiKeyPrincipal({ id: 'D', rights: [Right.USER_INFO] }, user(Authority.TENANT_ADMIN));
    expect(b.rights).toBe(a.rights);
    expect([a.apiKeyId, b.apiKeyId]).toEqual(['A', 'B']);
    expect([...a.rights].sort()).toEqual([...authorityRights(Authority.TENANT_ADMIN)].sort());
    expect([...customer.rights].sort()).toEqual([...authorityRights(Authority.CUSTOMER_USER)].sort());
    expect([...narrow.rights]).toEqual([Right.USER_INFO]);
  });
});
