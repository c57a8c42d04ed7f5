import type { Viewer } from "../auth/viewer.js";
import { isUuid } from "../db/uuid.js";
import { ForbiddenError, NotFoundError } from "../errors/app-errors.js";

/** Something a user owns that an admin can share with the whole company (assistants, templates). */
export interface Shareable {
  id: string;
  userId: string | null;
  isGlobal: boolean;
}

/** Where the items of one kind live. */
export interface ShareableStore<Item extends Shareable, CreateData, UpdateData> {
  findById(id: string): Promise<Item | null>;
  /** The user's own items and every global one. */
  listVisible(userId: string): Promise<Item[]>;
  create(data: CreateData & { userId: string; isGlobal: boolean }): Promise<Item>;
  update(id: string, data: UpdateData & { isGlobal?: boolean; userId?: string }): Promise<Item>;
  delete(id: string): Promise<void>;
}

/** Reading: the owner, or anyone if global. */
export const isVisibleTo = (userId: string, item: Pick<Shareable, "userId" | "isGlobal">) =>
  item.isGlobal || item.userId === userId;
export const canRead = (viewer: Viewer, item: Shareable) => isVisibleTo(viewer.userId, item);
/** Changing and deleting: the owner, or an admin if global. */
export const canModify = (viewer: Viewer, item: Shareable) =>
  item.userId === viewer.userId || (item.isGlobal && viewer.isAdmin);

/**
 * The sharing rules for one kind of item, in one place: an unknown or unreadable id is NOT_FOUND
 * (no hint that it exists); a readable one the viewer may not change is FORBIDDEN; making an item
 * global takes an admin.
 */
export class SharedItems<Item extends Shareable, CreateData, UpdateData> {
  constructor(
    private readonly label: string,
    private readonly store: ShareableStore<Item, CreateData, UpdateData>,
  ) {}

  list(viewer: Viewer): Promise<Item[]> {
    return this.store.listVisible(viewer.userId);
  }

  async read(viewer: Viewer, id: string): Promise<Item> {
    const item = isUuid(id) ? await this.store.findById(id) : null;
    if (!item || !canRead(viewer, item)) throw new NotFoundError(this.label);
    return item;
  }

  create(viewer: Viewer, data: CreateData, isGlobal: boolean): Promise<Item> {
    if (isGlobal) this.assertAdmin(viewer);
    return this.store.create({ ...data, userId: viewer.userId, isGlobal });
  }

  async update(viewer: Viewer, id: string, data: UpdateData, isGlobal?: boolean | null): Promise<Item> {
    const item = await this.modifiable(viewer, id);
    if (isGlobal === true && !item.isGlobal) this.assertAdmin(viewer);
    // A global item without an owner (a starter) that becomes personal belongs to the admin who did it.
    const owner = isGlobal === false && !item.userId ? { userId: viewer.userId } : {};
    return this.store.update(id, {
      ...data,
      ...(typeof isGlobal === "boolean" ? { isGlobal } : {}),
      ...owner,
    });
  }

  async delete(viewer: Viewer, id: string): Promise<boolean> {
    await this.modifiable(viewer, id);
    await this.store.delete(id);
    return true;
  }

  private async modifiable(viewer: Viewer, id: string): Promise<Item> {
    const item = await this.read(viewer, id);
    if (!canModify(viewer, item)) {
      throw new ForbiddenError(`Only an admin can change a company-wide ${this.label.toLowerCase()}`);
    }
    return item;
  }

  private assertAdmin(viewer: Viewer) {
    if (!viewer.isAdmin) {
      throw new ForbiddenError(`Only an admin can share a ${this.label.toLowerCase()} with everyone`);
    }
  }
}
