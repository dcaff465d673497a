#!/usr/bin/env bash
# Build and deploy the stack with SAM. The validate function is a container image (great-expectations is
# larger than Lambda's zip limit), so `sam build` needs Docker; the classify and aggregate functions and the
# layers build without it. Extra arguments go to `sam deploy` (first time: --guided).
set -euo pipefail
cd "$(dirname "$0")/.."
sam validate --lint
sam build --parallel
sam deploy "$@"
