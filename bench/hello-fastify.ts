import { ApolloServer } from '@apollo/server';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';

/**
 * Evidence for the HTTP-layer decision (issue 7): the same bare Apollo `{ hello }` as
 * hello-server.ts, over Fastify 5 and @as-integrations/fastify instead of Express 5.
 */
async function main(): Promise<void> {
  const fastify = Fastify();
  const apollo = new ApolloServer({
    typeDefs: 'type Query { hello: String }',
    resolvers: { Query: { hello: () => 'world' } },
    plugins: [fastifyApolloDrainPlugin(fastify)],
  });
  await apollo.start();
  await fastify.register(fastifyApollo(apollo));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ port: (fastify.server.address() as AddressInfo).port })}\n`);
}

void main();
