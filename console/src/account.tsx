import type { CurrentUser, User } from './api';
import { ApiKeysPanel } from './api-keys-panel';
import { Tabs } from './components';
import { authorityLabel, formatDateTime, fullName } from './format';
import { MY_KEYS } from './key-owner';
import { href } from './router';

export function AccountScreen({ me, tab }: { me: CurrentUser; tab: 'profile' | 'security' }) {
  return (
    <>
      <h1>Account</h1>
      <Tabs
        label="Account"
        current={tab}
        tabs={[
          ['profile', 'Profile', href({ screen: 'account', tab: 'profile' })],
          ['security', 'Security', href({ screen: 'account', tab: 'security' })],
        ]}
      />
      {tab === 'profile' ? (
        <section class="panel" aria-label="Profile">
          <Profile user={me} />
          <h2>Your rights</h2>
          <p class="hint">What you may do with this session; an API key you generate can hold these or fewer.</p>
          <ul class="chips">
            {me.authentication.rights.map((right) => (
              <li key={right} class="chip">
                {right}
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <ApiKeysPanel owner={MY_KEYS} />
      )}
    </>
  );
}

/** A user's profile as the REST API returns it. */
export function Profile({ user }: { user: User }) {
  return (
    <dl class="profile">
      <dt>Email</dt>
      <dd>{user.email}</dd>
      <dt>Name</dt>
      <dd>{fullName(user) || '—'}</dd>
      <dt>Role</dt>
      <dd>{authorityLabel(user.authority)}</dd>
      {user.tenantId && (
        <>
          <dt>Tenant</dt>
          <dd>
            <code>{user.tenantId}</code>
          </dd>
        </>
      )}
      {user.customerId && (
        <>
          <dt>Customer</dt>
          <dd>
            <code>{user.customerId}</code>
          </dd>
        </>
      )}
      <dt>Account</dt>
      <dd>{user.enabled ? 'Enabled' : 'Disabled'}</dd>
      <dt>Member since</dt>
      <dd>{formatDateTime(user.createdAt)}</dd>
    </dl>
  );
}
