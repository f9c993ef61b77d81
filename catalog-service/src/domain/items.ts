import { checkCurrency, type Page } from 'service-platform';
import type { Item, ItemRepository } from '../data/item-repository';
import { UnknownItem } from './catalog-errors';

export function itemService(repo: ItemRepository) {
  return {
    async get(sku: string): Promise<Item> {
      const item = await repo.find(sku);
      if (!item) throw new UnknownItem([sku]);
      return item;
    },

    list: (limit: number, cursor?: string): Promise<Page<Item>> => repo.list(limit, cursor),

    /** Creates or replaces; `stock` becomes what can be reserved from now on. */
    async put(item: Item): Promise<{ item: Item; created: boolean }> {
      checkCurrency(item.currency);
      return repo.upsert(item);
    },
  };
}

export type ItemService = ReturnType<typeof itemService>;
