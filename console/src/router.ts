import { useEffect, useState } from 'preact/hooks';

/** The console's place, kept after `#` so the server only ever serves index.html and no credential goes into a URL. */
export type Route =
  | { screen: 'account'; tab: 'profile' | 'security' }
  | { screen: 'users' }
  | { screen: 'user'; userId: string; tab: 'details' | 'api-keys' }
  | { screen: 'service-accounts' }
  | { screen: 'service-account'; accountId: string; tab: 'details' | 'api-keys' }
  | { screen: 'webhooks' }
  | { screen: 'webhook'; webhookId: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'users' && parts[1]) return { screen: 'user', userId: parts[1], tab: parts[2] === 'api-keys' ? 'api-keys' : 'details' };
  if (parts[0] === 'users') return { screen: 'users' };
  if (parts[0] === 'service-accounts' && parts[1])
    return { screen: 'service-account', accountId: parts[1], tab: parts[2] === 'api-keys' ? 'api-keys' : 'details' };
  if (parts[0] === 'service-accounts') return { screen: 'service-accounts' };
  if (parts[0] === 'webhooks' && parts[1]) return { screen: 'webhook', webhookId: parts[1] };
  if (parts[0] === 'webhooks') return { screen: 'webhooks' };
  return { screen: 'account', tab: parts[1] === 'security' ? 'security' : 'profile' };
}

export function href(route: Route): string {
  switch (route.screen) {
    case 'account':
      return route.tab === 'security' ? '#/account/security' : '#/account';
    case 'users':
      return '#/users';
    case 'user':
      return `#/users/${encodeURIComponent(route.userId)}${route.tab === 'api-keys' ? '/api-keys' : ''}`;
    case 'service-accounts':
      return '#/service-accounts';
    case 'service-account':
      return `#/service-accounts/${encodeURIComponent(route.accountId)}${route.tab === 'api-keys' ? '/api-keys' : ''}`;
    case 'webhooks':
      return '#/webhooks';
    case 'webhook':
      return `#/webhooks/${encodeURIComponent(route.webhookId)}`;
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return route;
}
