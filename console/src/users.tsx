import type { CurrentUser, User } from './api';
import { ApiKeysPanel } from './api-keys-panel';
import { Profile } from './account';
import { ErrorMessage, PagedTable, SearchBox, SortHeader, Tabs, useLoaded, usePagedList } from './components';
import { authorityLabel, formatDateTime, userLabel } from './format';
import { MY_KEYS, userKeys } from './key-owner';
import { href } from './router';

/** The users the caller manages: the REST API lists no one else. */
export function UsersScreen() {
  const list = usePagedList<User>('/api/users');
  const { query, page, problem, sortBy, search } = list;

  return (
    <>
      <h1>Users</h1>
      <section class="panel" aria-label="Users">
        <div class="toolbar">
          <p class="hint grow">The users you manage. Open one to manage its API keys.</p>
          <SearchBox label="Search users" value={query.textSearch} onSearch={search} />
        </div>
        <ErrorMessage problem={problem} />
        <PagedTable list={list} noun={['user', 'users']} empty="No user matches.">
          <table class="table" aria-label="Users">
            <thead>
              <tr>
                <SortHeader label="Email" property="email" query={query} onSort={sortBy} firstOrder="ASC" />
                <SortHeader label="First name" property="firstName" query={query} onSort={sortBy} firstOrder="ASC" />
                <SortHeader label="Last name" property="lastName" query={query} onSort={sortBy} firstOrder="ASC" />
                <SortHeader label="Role" property="authority" query={query} onSort={sortBy} firstOrder="ASC" />
                <th scope="col">Account</th>
                <SortHeader label="Created" property="createdAt" query={query} onSort={sortBy} />
              </tr>
            </thead>
            <tbody>
              {page?.data.map((user) => (
                <tr key={user.id} data-user-id={user.id}>
                  <td>
                    <a href={href({ screen: 'user', userId: user.id, tab: 'details' })}>{user.email}</a>
                  </td>
                  <td>{user.firstName ?? ''}</td>
                  <td>{user.lastName ?? ''}</td>
                  <td>{authorityLabel(user.authority)}</td>
                  <td>{user.enabled ? 'Enabled' : 'Disabled'}</td>
                  <td class="when">{formatDateTime(user.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </PagedTable>
      </section>
    </>
  );
}

/** One managed user: its profile, and its API keys as an administrator manages them. */
export function UserScreen({ me, userId, tab }: { me: CurrentUser; userId: string; tab: 'details' | 'api-keys' }) {
  const { value: user, problem } = useLoaded<User>(`/api/users/${encodeURIComponent(userId)}`);

  const self = user?.id === me.id;
  return (
    <>
      <p class="breadcrumb">
        <a href={href({ screen: 'users' })}>Users</a> ›
      </p>
      <h1>{user ? userLabel(user) : 'User'}</h1>
      <ErrorMessage problem={problem} />
      {user && (
        <>
          <Tabs
            label="User"
            current={tab}
            tabs={[
              ['details', 'Details', href({ screen: 'user', userId, tab: 'details' })],
              ['api-keys', 'API keys', href({ screen: 'user', userId, tab: 'api-keys' })],
            ]}
          />
          {tab === 'details' ? (
            <section class="panel" aria-label="Details">
              <Profile user={user} />
            </section>
          ) : (
            <ApiKeysPanel key={user.id} owner={self ? MY_KEYS : userKeys(user.id, userLabel(user))} />
          )}
        </>
      )}
    </>
  );
}
