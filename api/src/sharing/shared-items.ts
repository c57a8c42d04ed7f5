import type { AuditAction } from "../audit/audit-actions.js";
import type { AuditTrail } from "../audit/audit-trail.js";
import { changesBetween } from "../audit/redaction.js";
import type { Viewer } from "../auth/viewer.js";
import { isUuid } from "../db/uuid.js";
import { ForbiddenError, NotFoundError } from "../errors/app-errors.js";
import type { Prisma } from "../generated/prisma/client.js";

/** Something a user owns that an admin can share with the whole company (assistants, templates). */
export interface Shareable {
  id: string;
  userId: string | null;
  isGlobal: boolean;
}

/** Where the items of one kind live; `db`: the transaction a change is audited in. */
export interface ShareableStore<Item extends Shareable, CreateData, UpdateData> {
  findById(id: string): Promise<Item | null>;
  /** The user's own items and every global one. */
  listVisible(userId: string): Promise<Item[]>;
  create(
    data: CreateData & { userId: string; isGlobal: boolean },
    db?: Prisma.TransactionClient,
  ): Promise<Item>;
  update(
    id: string,
    data: UpdateData & { isGlobal?: boolean; userId?: string },
    db?: Prisma.TransactionClient,
  ): Promise<Item>;
  delete(id: string, db?: Prisma.TransactionClient): Promise<void>;
}

/**
 * The audit of one kind of item: changes of company-wide items are the organisation's business and
 * recorded; personal ones are their owner's and are not.
 */
export interface SharedItemsAudit<Item> {
  trail: AuditTrail;
  /** Also the target type of the entries. */
  kind: "assistant" | "template";
  actions: { created: AuditAction; updated: AuditAction; deleted: AuditAction };
  /** What an entry compares (redaction.ts marks a prompt or content as changed, never shows it). */
  fields(item: Item): Record<string, unknown>;
  label(item: Item): string;
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
    private readonly audit: SharedItemsAudit<Item>,
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
    const row = { ...data, userId: viewer.userId, isGlobal };
    if (!isGlobal) return this.store.create(row);
    this.assertAdmin(viewer);
    return this.audit.trail.change(
      (tx) => this.store.create(row, tx),
      (item) => ({
        action: this.audit.actions.created,
        target: this.targetOf(item),
        changes: changesBetween(null, this.audit.fields(item)),
      }),
    );
  }

  async update(viewer: Viewer, id: string, data: UpdateData, isGlobal?: boolean | null): Promise<Item> {
    const item = await this.modifiable(viewer, id);
    if (isGlobal === true && !item.isGlobal) this.assertAdmin(viewer);
    // A global item without an owner (a starter) that becomes personal belongs to the admin who did it.
    const owner = isGlobal === false && !item.userId ? { userId: viewer.userId } : {};
    const change = { ...data, ...(typeof isGlobal === "boolean" ? { isGlobal } : {}), ...owner };
    if (!item.isGlobal && isGlobal !== true) return this.store.update(id, change);
    return this.audit.trail.change(
      (tx) => this.store.update(id, change, tx),
      (updated) => {
        const changes = changesBetween(this.audit.fields(item), this.audit.fields(updated));
        return changes
          ? { action: this.audit.actions.updated, target: this.targetOf(updated), changes }
          : null;
      },
    );
  }

  async delete(viewer: Viewer, id: string): Promise<boolean> {
    const item = await this.modifiable(viewer, id);
    if (!item.isGlobal) {
      await this.store.delete(id);
      return true;
    }
    await this.audit.trail.change((tx) => this.store.delete(id, tx), {
      action: this.audit.actions.deleted,
      target: this.targetOf(item),
    });
    return true;
  }

  private targetOf(item: Item) {
    return { type: this.audit.kind, id: item.id, label: this.audit.label(item) };
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
