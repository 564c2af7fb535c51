import { Center, Loader } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { api, setCsrfToken, setUnauthorizedHandler } from './api/api-client';
import type { Session } from './api/types';
import { AppLayout } from './app-layout';
import { ChangePasswordPage } from './pages/change-password-page';
import { LoginPage } from './pages/login-page';

type AuthState = { kind: 'loading' } | { kind: 'anonymous' } | { kind: 'session'; session: Session };

export function App() {
  const [auth, setAuth] = useState<AuthState>({ kind: 'loading' });

  const signedIn = useCallback((session: Session) => {
    setCsrfToken(session.csrfToken);
    setAuth({ kind: 'session', session });
  }, []);
  const signedOut = useCallback(() => {
    setCsrfToken(null);
    setAuth({ kind: 'anonymous' });
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(signedOut);
    api<Session>('GET', '/api/auth/session').then(signedIn, signedOut);
  }, [signedIn, signedOut]);

  if (auth.kind === 'loading') {
    return (
      <Center h="100vh">
        <Loader />
      </Center>
    );
  }
  if (auth.kind === 'anonymous') return <LoginPage onLoggedIn={signedIn} />;
  if (auth.session.mustChangePassword) {
    return (
      <ChangePasswordPage
        forced
        onChanged={() => signedIn({ ...auth.session, mustChangePassword: false })}
        onLogout={signedOut}
      />
    );
  }
  return <AppLayout session={auth.session} onLogout={signedOut} />;
}
