import { MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLInt,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { LocalDateResolver } from 'graphql-scalars';
import type { User } from '../db/entities';
import { type ProfileFieldSpec, readProfile } from '../features/profile-fields/profile-fields';

/** The input types that carry a `profile` (declared as a JSON placeholder on the type-graphql classes). */
const PROFILE_INPUTS = new Set(['RegisterInput', 'UpdateMeInput']);
/** The admin API's mutation whose `profile` argument is typed here. */
const ADMIN_PROFILE_MUTATION = 'updateUserProfile';

/**
 * The configured profile fields, typed in the schema: `User.profile: UserProfile!` with one field
 * each, and `profile: ProfileInput` on RegisterInput and UpdateMeInput with the fields a user may
 * set. Without profile fields, the placeholders are removed and nothing is added. Built with
 * graphql-js types rather than type-graphql classes: type-graphql's metadata is global to the
 * process, so classes made per configuration would leak into every schema built after them.
 */
export function withProfileFields(schema: GraphQLSchema, specs: readonly ProfileFieldSpec[]): GraphQLSchema {
  const types = specs.length > 0 ? profileTypes(specs) : null;
  return mapSchema(schema, {
    [MapperKind.INPUT_OBJECT_TYPE]: (type) => {
      if (!PROFILE_INPUTS.has(type.name)) return type;
      const config = type.toConfig();
      const { profile, ...rest } = config.fields;
      if (!profile) return type;
      const fields = types?.input ? { ...rest, profile: { ...profile, type: types.input, description: 'Your profile fields (PROFILE_FIELDS).' } } : rest;
      return new GraphQLInputObjectType({ ...config, fields });
    },
    // The admin's change of any field: typed with every field, or gone without profile fields.
    [MapperKind.MUTATION_ROOT_FIELD]: (field, name) => {
      if (name !== ADMIN_PROFILE_MUTATION) return field;
      if (!types) return null;
      return { ...field, args: { ...field.args, profile: { ...field.args!.profile!, type: new GraphQLNonNull(types.adminInput) } } };
    },
    [MapperKind.OBJECT_TYPE]: (type) => {
      if (type.name !== 'User' || !types) return type;
      const config = type.toConfig();
      const profile = { type: new GraphQLNonNull(types.output), description: 'Your profile fields (PROFILE_FIELDS).', resolve: (user: User) => readProfile(specs, user.profile) };
      return new GraphQLObjectType({ ...config, fields: { ...config.fields, profile } });
    },
  });
}

function profileTypes(specs: readonly ProfileFieldSpec[]) {
  const scalars = new Map<ProfileFieldSpec, GraphQLOutputType & GraphQLInputType>(specs.map((spec) => [spec, scalarOf(spec)]));
  const output = new GraphQLObjectType({
    name: 'UserProfile',
    fields: () =>
      Object.fromEntries(
        specs.map((spec) => {
          const scalar = scalars.get(spec)!;
          const hasDefault = spec.default !== undefined && spec.default !== null;
          return [spec.name, { type: hasDefault ? new GraphQLNonNull(scalar) : scalar, description: describe(spec) }];
        }),
      ),
  });
  const editable = specs.filter((spec) => (spec.editableBy ?? 'user') === 'user');
  const input =
    editable.length === 0
      ? null
      : new GraphQLInputObjectType({
          name: 'ProfileInput',
          // All optional here: `updateMe` changes only what it is given; `register` checks the required ones.
          fields: () => Object.fromEntries(editable.map((spec) => [spec.name, { type: scalars.get(spec)!, description: describe(spec) }])),
        });
  const adminInput = new GraphQLInputObjectType({
    name: 'AdminProfileInput',
    fields: () => Object.fromEntries(specs.map((spec) => [spec.name, { type: scalars.get(spec)!, description: describe(spec) }])),
  });
  return { output, input, adminInput };
}

function scalarOf(spec: ProfileFieldSpec): GraphQLOutputType & GraphQLInputType {
  switch (spec.type) {
    case 'string':
      return GraphQLString;
    case 'boolean':
      return GraphQLBoolean;
    case 'int':
      return GraphQLInt;
    case 'date':
      return LocalDateResolver;
    case 'enum':
      return new GraphQLEnumType({ name: `Profile${spec.name[0]!.toUpperCase()}${spec.name.slice(1)}`, values: Object.fromEntries(spec.values!.map((v) => [v, { value: v }])) });
  }
}

function describe(spec: ProfileFieldSpec): string {
  const parts = [spec.required ? 'Required.' : 'Optional.'];
  if (spec.type === 'string') parts.push(`At most ${spec.maxLength ?? 200} characters.`);
  if (spec.type === 'int' && (spec.min !== undefined || spec.max !== undefined)) parts.push(`From ${spec.min ?? '…'} to ${spec.max ?? '…'}.`);
  if (spec.default !== undefined && spec.default !== null) parts.push(`Default: ${JSON.stringify(spec.default)}.`);
  if (spec.editableBy === 'admin') parts.push('Set by administrators only.');
  return parts.join(' ');
}
