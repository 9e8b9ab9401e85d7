import { ApolloArmor } from '@escape.tech/graphql-armor';
import { type ASTVisitor, GraphQLError, Kind, type SelectionSetNode, type ValidationContext } from 'graphql';
import type { Config } from '../../config';

/**
 * Mutations that check a password, a code or a token. In GraphQL one request could carry 50
 * aliased copies of one of them and be counted as one HTTP request by any per-request limit;
 * so at most one of them may appear in an operation, and each resolver execution is counted
 * by the rate limiter (SEC-12).
 */
export const AUTH_MUTATIONS = new Set([
  'login',
  'register',
  'resetPassword',
  'socialLogin',
  'refreshToken',
  'reauthenticate',
  'verifyEmailCode',
  'changePassword',
  'linkSocialAccount',
  'deleteAccount',
  'requestPasswordReset',
  'unlockAccount',
  'completeSignIn',
  'confirmTotpEnrollment',
  'disableTotp',
  'requestSignInEmail',
  'signInWithEmailLink',
  'signInWithEmailCode',
  'finishPasskeySignIn',
]);

/** Validation rule: at most one authentication mutation field per operation, aliases included. */
export function singleAuthMutationRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (node.operation !== 'mutation') return;
      const count = countAuthFields(context, node.selectionSet, new Set());
      if (count > 1) {
        context.reportError(new GraphQLError('Send at most one authentication mutation per request.', { nodes: [node] }));
      }
    },
  };
}

function countAuthFields(context: ValidationContext, selectionSet: SelectionSetNode, seenFragments: Set<string>): number {
  let count = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (AUTH_MUTATIONS.has(selection.name.value)) count++;
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      count += countAuthFields(context, selection.selectionSet, seenFragments);
    } else if (!seenFragments.has(selection.name.value)) {
      seenFragments.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) count += countAuthFields(context, fragment.selectionSet, seenFragments);
    }
  }
  return count;
}

/** Token limit, enforced by graphql-js's own parser so that syntax errors stay GRAPHQL_PARSE_FAILED. */
export const MAX_TOKENS = 1000;

/**
 * graphql-armor's limits (SEC-52), checked before execution: depth, aliases, directives and cost
 * at its recommended defaults (tokens: see MAX_TOKENS); field suggestions blocked where schema
 * details are masked.
 */
export function operationLimits(config: Config) {
  const armor = new ApolloArmor({
    maxDepth: { n: 8 },
    maxAliases: { n: 15 },
    maxTokens: { enabled: false },
    maxDirectives: { n: 50 },
    costLimit: { maxCost: 5000 },
    blockFieldSuggestion: { enabled: config.graphql.maskSchemaDetails },
  });
  const protection = armor.protect();
  return {
    plugins: protection.plugins,
    validationRules: [...protection.validationRules, singleAuthMutationRule],
    parseOptions: { maxTokens: MAX_TOKENS },
  };
}
