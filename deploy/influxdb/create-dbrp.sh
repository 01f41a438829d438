#!/bin/bash
# Runs inside the influxdb:2.x container after its initial setup (docker-entrypoint-initdb.d):
# InfluxQL — what the dashboards speak — reads a bucket only through a DBRP mapping.
set -euo pipefail
bucket_id=$(influx bucket list --name "${DOCKER_INFLUXDB_INIT_BUCKET}" --hide-headers | cut -f1)
influx v1 dbrp create --db "${DOCKER_INFLUXDB_INIT_BUCKET}" --rp autogen --bucket-id "${bucket_id}" --default
