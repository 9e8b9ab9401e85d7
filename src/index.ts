/**
 * Gatehouse as a library (`import { createGatehouse } from 'gatehouse'`): the server's parts for
 * an app that serves its own resolvers and entities beside Gatehouse's. README, "Gatehouse in
 * your own API".
 */
export { appMigrationConfig, createGatehouse, type Gatehouse, type GatehouseOptions, type GatehouseSettings } from './library/gatehouse';
export { requireRole, requireUser, isUserContext } from './library/guards';
export { authChecker } from './context/auth-checker';
export { buildGatehouseSchema, gatehouseResolvers } from './graphql/schema';
export { rolesOf, BASE_ROLE, SCOPE_PREFIX } from './features/roles/roles';
export { ApiTokenScope, CredentialKind, User } from './db/entities';
export type { AuthenticatedCaller, AuthMethod, Caller, Context, UserContext } from './context/context';
export { AuthError, ErrorCode } from './errors';
export { loadConfig, ConfigError, type Config, type SettingName } from './config';
export type { ProfileFieldSpec, ProfileValues } from './features/profile-fields/profile-fields';
export { APP_MIGRATIONS_TABLE } from './db/mikro-orm.config';
export type { Services } from './services';
