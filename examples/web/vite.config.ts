import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The app calls Gatehouse at VITE_GATEHOUSE_URL (default: `npm start`'s http://localhost:4000/graphql),
// from its own origin, with the session cookie: Gatehouse allows any http://localhost port in development.
export default defineConfig({
  plugins: [react()],
  server: { port: 5173, host: 'localhost' },
  preview: { port: 4173, host: 'localhost' },
});
