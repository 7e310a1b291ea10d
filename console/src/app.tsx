import { useEffect, useState } from 'preact/hooks';
import { AccountScreen } from './account';
import { api, type CurrentUser } from './api';
import { ErrorMessage, toProblem, type Problem } from './components';
import { userLabel } from './format';
import { LoginScreen } from './login';
import { href, useRoute, type Route } from './router';
import { ServiceAccountScreen, ServiceAccountsScreen } from './service-accounts';
import { UserScreen, UsersScreen } from './users';
import { WebhookScreen, WebhooksScreen } from './webhooks';

const USERS_READ = 'RIGHT_USER_USERS_READ';
const SERVICE_ACCOUNTS = 'RIGHT_USER_SERVICE_ACCOUNTS';
const WEBHOOKS = 'RIGHT_USER_WEBHOOKS';
const LOGGED_OUT = 'You are logged out.';
const LOGGED_OUT_HERE_ONLY = 'You are logged out here, but the server could not be reached to end the session: it stays valid until it expires.';

export function App() {
  const [loggedIn, setLoggedIn] = useState(api.loggedIn);
  const [reason, setReason] = useState('');
  const [me, setMe] = useState<CurrentUser | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const route = useRoute();

  useEffect(() => {
    api.onSessionEnded = (message) => {
      setReason(message);
      setMe(null);
      setLoggedIn(false);
    };
  }, []);

  useEffect(() => {
    if (!loggedIn) return;
    setProblem(null);
    api.get<CurrentUser>('/api/auth/user').then(setMe, (error: unknown) => setProblem(toProblem(error)));
  }, [loggedIn]);

  useEffect(() => {
    document.title = `${titleOf(route)} · keygate console`;
  }, [route]);

  if (!loggedIn) {
    return (
      <LoginScreen
        reason={reason}
        onLoggedIn={() => {
          setReason('');
          setLoggedIn(true);
        }}
      />
    );
  }

  // a screen is offered to those who hold its right; the server refuses everyone else anyway
  const holds = (right: string) => me?.authentication.rights.includes(right) ?? false;
  return (
    <>
      <header class="topbar">
        <a class="brand" href={href({ screen: 'account', tab: 'profile' })}>
          <span class="brand-mark" aria-hidden="true" /> keygate
        </a>
        <nav class="main-nav" aria-label="Main">
          <a href={href({ screen: 'account', tab: 'profile' })} aria-current={route.screen === 'account' ? 'page' : undefined}>
            Account
          </a>
          {holds(USERS_READ) && (
            <a href={href({ screen: 'users' })} aria-current={route.screen === 'users' || route.screen === 'user' ? 'page' : undefined}>
              Users
            </a>
          )}
          {holds(SERVICE_ACCOUNTS) && (
            <a
              href={href({ screen: 'service-accounts' })}
              aria-current={route.screen === 'service-accounts' || route.screen === 'service-account' ? 'page' : undefined}
            >
              Service accounts
            </a>
          )}
          {holds(WEBHOOKS) && (
            <a href={href({ screen: 'webhooks' })} aria-current={route.screen === 'webhooks' || route.screen === 'webhook' ? 'page' : undefined}>
              Webhooks
            </a>
          )}
        </nav>
        <span class="who">{me ? userLabel(me) : ''}</span>
        <button
          type="button"
          class="link-button"
          onClick={() => {
            const ending = api.logout();
            setMe(null);
            setReason('Logging out…');
            setLoggedIn(false);
            void ending.then((ended) => setReason(ended ? LOGGED_OUT : LOGGED_OUT_HERE_ONLY));
          }}
        >
          Log out
        </button>
      </header>
      <main class="content">
        <ErrorMessage problem={problem} />
        {me && <Screen route={route} me={me} />}
      </main>
    </>
  );
}

function Screen({ route, me }: { route: Route; me: CurrentUser }) {
  switch (route.screen) {
    case 'account':
      return <AccountScreen me={me} tab={route.tab} />;
    case 'users':
      return <UsersScreen />;
    case 'user':
      return <UserScreen me={me} userId={route.userId} tab={route.tab} />;
    case 'service-accounts':
      return <ServiceAccountsScreen me={me} />;
    case 'service-account':
      return <ServiceAccountScreen me={me} accountId={route.accountId} tab={route.tab} />;
    case 'webhooks':
      return <WebhooksScreen me={me} />;
    case 'webhook':
      return <WebhookScreen webhookId={route.webhookId} />;
  }
}

function titleOf(route: Route): string {
  if (route.screen === 'account') return route.tab === 'security' ? 'API keys' : 'Account';
  if (route.screen === 'users') return 'Users';
  if (route.screen === 'service-accounts') return 'Service accounts';
  if (route.screen === 'webhooks') return 'Webhooks';
  if (route.screen === 'webhook') return 'Webhook deliveries';
  if (route.screen === 'service-account') return route.tab === 'api-keys' ? 'Service account API keys' : 'Service account';
  return route.tab === 'api-keys' ? 'User API keys' : 'User';
}
