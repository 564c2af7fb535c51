import { useEffect, useState } from 'react';

/** The page from location.hash ("#/extensions" → "extensions"); links are plain "#/..." anchors. */
export function useHashRoute(defaultRoute: string): string {
  const read = () => window.location.hash.replace(/^#\/?/, '').split('?')[0] || defaultRoute;
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  });
  return route;
}
