// The type every generated dashboard must have: Grafana's published dashboard model
// (@grafana/schema, the TypeScript form of its CUE "dashboard" kind) in its JSON form.
import type { AnnotationQuery, Dashboard, DataQuery } from '@grafana/schema';

/** A type as JSON carries it: string enums become their values. */
type Json<T> = T extends string ? `${T}`
  : T extends number | boolean | null | undefined ? T
  : T extends Array<infer E> ? Array<Json<E>>
  : T extends object ? { [K in keyof T]: Json<T[K]> }
  : T;

/**
 * The schema leaves a datasource's own query fields open (panel targets are Record<string, unknown>;
 * an annotation's target is the datasource's query type, and @grafana/schema has no InfluxDB kind).
 */
type DatasourceQuery = DataQuery & Record<string, unknown>;

export type GeneratedDashboard = Json<Omit<Dashboard, 'annotations'> & {
  annotations?: { list?: Array<AnnotationQuery<DatasourceQuery>> };
}>;
