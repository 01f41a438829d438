/** Grafana dashboards generated from the indicator catalog: InfluxQL panels over the engine's measurements. */
package org.citytwin.grafana;
