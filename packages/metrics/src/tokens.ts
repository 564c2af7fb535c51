/** Nest injection token of the process's ProcessMetrics (provided by each app's root module). */
export const METRICS = Symbol('ProcessMetrics');
