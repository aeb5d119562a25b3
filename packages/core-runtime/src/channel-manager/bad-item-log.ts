import type { BadItem } from "./channel-manager-events.js";

/** How many bad items a manager keeps for its snapshot. */
export const BAD_ITEMS_KEPT = 10;

/**
 * The last bad items of a session (bounded), for the snapshot and the admin API.
 * @internal
 */
export class BadItemLog {
  private readonly kept: BadItem[] = [];

  add(item: BadItem): void {
    this.kept.push(item);
    if (this.kept.length > BAD_ITEMS_KEPT) this.kept.shift();
  }

  get items(): readonly BadItem[] {
    return [...this.kept];
  }

  get last(): BadItem | undefined {
    return this.kept.at(-1);
  }
}
