import type { Viewer } from "../auth/viewer.js";
import { isUuid } from "../db/uuid.js";
import type { Notification, PrismaClient } from "../generated/prisma/client.js";

const LATEST = 50;

/** What the platform told a person (written by the database, e.g. when a budget crosses a threshold). */
export class NotificationService {
  constructor(private readonly prisma: PrismaClient) {}

  list(viewer: Viewer, unreadOnly: boolean): Promise<Notification[]> {
    return this.prisma.notification.findMany({
      where: { userId: viewer.userId, ...(unreadOnly ? { readAt: null } : {}) },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: LATEST,
    });
  }

  /** Marks these (or all) of the viewer's unread notifications as read; how many changed. */
  async markRead(viewer: Viewer, ids: readonly string[] | null): Promise<number> {
    const { count } = await this.prisma.notification.updateMany({
      where: { userId: viewer.userId, readAt: null, ...(ids ? { id: { in: ids.filter(isUuid) } } : {}) },
      data: { readAt: new Date() },
    });
    return count;
  }
}
