import { Authorized, Resolver, Root, Subscription } from 'type-graphql';
import type { UserContext } from '../../context/context';
import { AuthEvent } from '../../db/entities';

@Resolver()
export class SecurityEventsSubscriptionResolver {
  @Authorized()
  @Subscription(() => AuthEvent, {
    name: 'securityEvents',
    description:
      'Your security events as they happen, on every instance: sign-ins and failed attempts, sign-outs and revoked credentials, password and email changes. Over WebSocket (graphql-ws) at the GraphQL path.',
    subscribe: ({ context }) => (context as UserContext).services.securityEvents.subscribe((context as UserContext).caller.userView.id),
  })
  securityEventsLive(@Root() event: AuthEvent): AuthEvent {
    return event;
  }
}
