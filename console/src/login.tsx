import { useState } from 'preact/hooks';
import { api } from './api';
import { ErrorMessage, toProblem, type Problem } from './components';

export function LoginScreen({ reason, onLoggedIn }: { reason: string; onLoggedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (!email.trim() || !password) {
      setProblem({ title: 'Email and password are both needed', details: ['Enter the email and password of your keygate account.'] });
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await api.login(email.trim(), password);
      onLoggedIn();
    } catch (error) {
      setProblem(toProblem(error));
      setBusy(false);
    }
  }

  return (
    <main class="login">
      <form class="card form" onSubmit={submit} noValidate aria-labelledby="login-heading">
        <h1 id="login-heading">
          <span class="brand-mark" aria-hidden="true" /> keygate console
        </h1>
        <p class="hint">Log in to manage your account and its API keys.</p>
        {reason && !problem && (
          <div class="message message-warning" role="status">
            {reason}
          </div>
        )}
        <ErrorMessage problem={problem} />
        <label class="field">
          <span>Email</span>
          <input type="email" name="email" autocomplete="username" value={email} onInput={(event) => setEmail(event.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Password</span>
          <input
            type="password"
            name="password"
            autocomplete="current-password"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </div>
      </form>
    </main>
  );
}
