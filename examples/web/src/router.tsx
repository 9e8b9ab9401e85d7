import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';

/** Just enough routing for an example: the path picks the screen; links push history. */
const Path = createContext<{ path: string; navigate: (to: string) => void }>({ path: '/', navigate: () => {} });

export function Router({ children }: { children: ReactNode }) {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to: string) => {
    window.history.pushState(null, '', to);
    setPath(new URL(to, window.location.href).pathname);
  };
  return <Path.Provider value={{ path, navigate }}>{children}</Path.Provider>;
}

export function useRoute() {
  return useContext(Path);
}

export function Link({ to, children }: { to: string; children: ReactNode }) {
  const { navigate } = useRoute();
  return (
    <a href={to} onClick={(event) => { event.preventDefault(); navigate(to); }}>
      {children}
    </a>
  );
}

/** The `token` a mailed link carries (`/verify-email?token=…`). */
export function tokenFromUrl(): string {
  return new URLSearchParams(window.location.search).get('token') ?? '';
}
