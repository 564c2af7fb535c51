import { z } from 'zod';

export const paginationSchema = z.object({
  page: z.coerce.number().int('must be an integer').min(1, 'must be at least 1').default(1),
  pageSize: z.coerce
    .number()
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(200, 'must be at most 200')
    .default(25),
});

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
