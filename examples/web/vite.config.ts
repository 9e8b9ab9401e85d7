import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Port 3000: Gatehouse's default FRONTEND_URL (mailed links, passkeys and sign-in redirects point
// there). The app calls Gatehouse at VITE_GATEHOUSE_URL (default: `npm start`'s http://localhost:4000/graphql),
// from its own origin, with the session cookie: Gatehouse allows any http://localhost port in development.
export default defineConfig({
  plugins: [react()],
  server: { port: 3000, strictPort: true, host: 'localhost' },
  preview: { port: 3000, strictPort: true, host: 'localhost' },
});
