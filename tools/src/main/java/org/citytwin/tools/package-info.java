/**
 * The {@code twin} commands that start services on this machine — {@code demo}, {@code bench},
 * {@code soak} — shipped with those services in {@code twin-tools.jar}, apart from the job jar a
 * Flink cluster runs; {@code TwinCli} finds them as {@code ToolCommand}s.
 */
package org.citytwin.tools;
