import { useEffect, useRef, useState } from 'preact/hooks';
import { FIRST_PAGE, api, type CurrentUser, type Page, type PageQuery, type User } from './api';
import { ApiKeysPanel } from './api-keys-panel';
import { Profile } from './account';
import { ErrorMessage, PagedTable, SearchBox, SortHeader, toProblem, type Problem } from './components';
import { authorityLabel, formatDateTime, fullName, userLabel } from './format';
import { href } from './router';

/** The users the caller manages: the REST API lists no one else. */
export function UsersScreen() {
  const [query, setQuery] = useState<PageQuery>(FIRST_PAGE);
  const [page, setPage] = useState<Page<User> | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const latest = useRef(0);

  useEffect(() => {
    const ticket = ++latest.current;
    setProblem(null);
    api.get<Page<User>>('/api/users', { ...query }).then(
      (loaded) => ticket === latest.current && setPage(loaded),
      (error: unknown) => ticket === latest.current && setProblem(toProblem(error)),
    );
  }, [query]);

  const sortBy = (sortProperty: string, sortOrder: 'ASC' | 'DESC') => setQuery((q) => ({ ...q, sortProperty, sortOrder, page: 0 }));

  return (
    <>
      <h1>Users</h1>
      <section class="panel" aria-label="Users">
        <div class="toolbar">
          <p class="hint grow">The users you manage. Open one to manage its API keys.</p>
          <SearchBox label="Search users" value={query.textSearch} onSearch={(textSearch) => setQuery((q) => ({ ...q, textSearch, page: 0 }))} />
        </div>
        <ErrorMessage problem={problem} />
        <PagedTable page={page} failed={problem !== null} query={query} setQuery={setQuery} noun={['user', 'users']} empty="No user matches.">
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
  const [user, setUser] = useState<User | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    setUser(null);
    setProblem(null);
    api.get<User>(`/api/users/${encodeURIComponent(userId)}`).then(setUser, (error: unknown) => setProblem(toProblem(error)));
  }, [userId]);

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
          <nav class="tabs" aria-label="User">
            <a href={href({ screen: 'user', userId, tab: 'details' })} aria-current={tab === 'details' ? 'page' : undefined}>
              Details
            </a>
            <a href={href({ screen: 'user', userId, tab: 'api-keys' })} aria-current={tab === 'api-keys' ? 'page' : undefined}>
              API keys
            </a>
          </nav>
          {tab === 'details' ? (
            <section class="panel" aria-label="Details">
              <Profile user={user} />
            </section>
          ) : (
            <ApiKeysPanel key={user.id} userId={self ? 'me' : user.id} forWhom={self ? undefined : fullName(user) || user.email} />
          )}
        </>
      )}
    </>
  );
}
