import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import possibleTypes from './gql/possible-types';

/** Where Gatehouse answers GraphQL: `npm start`'s address unless VITE_GATEHOUSE_URL says otherwise. */
export const GATEHOUSE_URL: string = import.meta.env.VITE_GATEHOUSE_URL ?? 'http://localhost:4000/graphql';

export const client = new ApolloClient({
  // `credentials: 'include'`: the browser sends and keeps Gatehouse's session cookie, although
  // Gatehouse is another origin (same site: see the README's "A frontend on another origin").
  link: new HttpLink({ uri: GATEHOUSE_URL, credentials: 'include' }),
  // The generated union members, so that `... on AuthSuccess` fragments match in the cache.
  cache: new InMemoryCache({ possibleTypes: possibleTypes.possibleTypes }),
});
