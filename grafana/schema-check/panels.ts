// The options of each panel kind the dashboards use, from the panel plugins' published types
// (@grafana/schema's composable panelcfg kinds). Every field is optional: Grafana fills in the
// defaults the CUE kinds declare; a key the plugin does not know or a value outside its enum fails.
import type { Options as Stat } from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen';
import type {
  FieldConfig as TimeSeriesFieldConfig,
  Options as TimeSeries,
} from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen';
import type { Options as Geomap } from '@grafana/schema/dist/esm/raw/composable/geomap/panelcfg/x/GeomapPanelCfg_types.gen';
import type { Options as Table } from '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen';

/** A type as JSON carries it, every field optional: string enums become their values. */
type Json<T> = T extends string ? `${T}`
  : T extends number | boolean | null | undefined ? T
  : T extends Array<infer E> ? Array<Json<E>>
  : T extends object ? { [K in keyof T]?: Json<T[K]> }
  : T;

export type StatOptions = Json<Stat>;
export type TimeseriesOptions = Json<TimeSeries>;
/** A time series panel's {@code fieldConfig.defaults.custom}. */
export type TimeseriesCustom = Json<TimeSeriesFieldConfig>;
export type GeomapOptions = Json<Geomap>;
export type TableOptions = Json<Table>;
