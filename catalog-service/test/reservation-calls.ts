import { uniqueId } from '../../test-support/unique-id';
import type { CatalogUnderTest } from './catalog-harness';

/** A reservation id no other test uses (ExternalId: letters, digits and . _ : -). */
export const newReservationId = (prefix = 'res') => uniqueId(prefix);

export const getReservation = (catalog: CatalogUnderTest, id: string) => catalog.call('GET', `/reservations/${id}`);
export const confirm = (catalog: CatalogUnderTest, id: string) => catalog.call('POST', `/reservations/${id}/confirm`);
export const release = (catalog: CatalogUnderTest, id: string) => catalog.call('POST', `/reservations/${id}/release`);
