import { AuthError, ErrorCode, type UserContext } from 'gatehouse';
import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Note } from './note.entity';

const MAX_NOTE_LENGTH = 10_000;

/** The app's own API, beside Gatehouse's: each user sees and changes only their own notes. */
@Resolver()
export class NotesResolver {
  @Authorized('scope:READ') // signed in; an API token also needs READ
  @Query(() => [Note], { description: 'Your notes, newest first.' })
  notes(@Ctx() ctx: UserContext): Promise<Note[]> {
    return ctx.em.find(Note, { owner: ctx.caller.userView.id }, { orderBy: { createdAt: 'desc' } });
  }

  @Authorized()
  @Mutation(() => Note)
  async createNote(@Arg('text', () => String) text: string, @Ctx() ctx: UserContext): Promise<Note> {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_NOTE_LENGTH) {
      throw new AuthError(ErrorCode.BAD_USER_INPUT, { field: 'text', message: `Write 1 to ${MAX_NOTE_LENGTH} characters.` });
    }
    const note = ctx.em.create(Note, { owner: ctx.caller.userView.id, text: trimmed });
    await ctx.em.flush();
    return note;
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Deletes one of your notes; someone else’s is NOT_FOUND, as if it did not exist.' })
  async deleteNote(@Arg('id', () => ID) id: string, @Ctx() ctx: UserContext): Promise<boolean> {
    const deleted = /^[0-9a-f-]{36}$/i.test(id) ? await ctx.em.nativeDelete(Note, { id, owner: ctx.caller.userView.id }) : 0;
    if (deleted === 0) throw new AuthError(ErrorCode.NOT_FOUND);
    return true;
  }

  @Authorized('admin')
  @Query(() => Int, { description: 'How many notes there are, across all users (admins only).' })
  noteCount(@Ctx() ctx: UserContext): Promise<number> {
    return ctx.em.count(Note, {});
  }
}
