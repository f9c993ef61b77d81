import { createHash } from 'node:crypto';
import { checkCurrency, type Deadline, type DomainError, type Page } from 'service-platform';
import { ItemChanged, UnknownItem, VersionRequired } from './catalog-errors';
import type { Item, ItemInput, ItemStore } from './ports';

/** What a put may require of the item as it stands: any version, or one of these. */
export type Expected = { any: true } | { versions: string[] };

/** The item's version: changes whenever anything a reader sees changes, stock included. */
export function versionOf(item: Item): string {
  return createHash('sha256').update(JSON.stringify([item.sku, item.name, item.priceCents, item.currency, item.stock])).digest('base64url').slice(0, 22);
}

/** Whether a put may go ahead on `current`, decided under its row lock. */
function refusePut(input: ItemInput, expected: Expected | undefined) {
  return (current: Item | null): DomainError | undefined => {
    if (expected) {
      if (!current) return new ItemChanged(`No item ${input.sku} exists to match If-Match; create it without If-Match.`);
      if ('versions' in expected && !expected.versions.includes(versionOf(current))) {
        return new ItemChanged(`Item ${input.sku} changed since that version was read (its stock moves with every reservation); read it again.`);
      }
      return undefined;
    }
    if (current && input.stock !== undefined && input.stock !== current.stock) {
      return new VersionRequired(`Changing the stock of ${input.sku} needs If-Match with the ETag of a GET (or POST a stock adjustment); a put without stock leaves it as it is.`);
    }
    return undefined;
  };
}

export function itemService(repo: ItemStore) {
  return {
    async get(sku: string): Promise<Item> {
      const item = await repo.find(sku);
      if (!item) throw new UnknownItem([sku]);
      return item;
    },

    list: (limit: number, cursor?: string): Promise<Page<Item>> => repo.list(limit, cursor),

    /**
     * Creates or replaces. On an existing item a new `stock` is a lost update waiting to happen
     * (reservations move it all the time): it needs `expected`, the version the caller read.
     */
    async put(item: ItemInput, expected?: Expected, deadline?: Deadline): Promise<{ item: Item; created: boolean }> {
      checkCurrency(item.currency);
      const outcome = await repo.put(item, refusePut(item, expected), deadline);
      if (!outcome.ok) throw outcome.refusal;
      return { item: outcome.item, created: outcome.created };
    },
  };
}

export type ItemService = ReturnType<typeof itemService>;
