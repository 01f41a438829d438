/**
 * Scenario overlays for drill replays: a scenario file ({@link org.citytwin.model.scenario.ScenarioLoader})
 * and the synthetic feed records it adds on top of history ({@link org.citytwin.model.sim.ScenarioOverlay}).
 * See docs/replay.md, "Scenario overlays".
 */
package org.citytwin.model.scenario;
