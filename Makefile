# The front door. `make replay` and `make test` work on a fresh machine with no AWS account.
CARGO ?= cargo
ARCH ?= arm64

.PHONY: replay test lint build invoke fmt template deploy

## Replay every bundled sample alarm against the bundled recorded scenarios.
replay:
	$(CARGO) run --quiet -- replay

## Unit, handler, end-to-end and emulator tests (scripts/with-moto installs and starts moto's AWS
## emulator), then the template's checks against DESIGN.md's metrics and the code's AWS calls.
test:
	scripts/with-moto sh -c '$(CARGO) test --all-targets --quiet && python3 -m pytest -q -s tests/template'

## Formatting and lints, warnings as errors.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## Lint the SAM template and build it as `sam deploy` would (no Docker needed).
APIS ?= rest:orders-api/prod,http:a1b2c3d4e5/$$default
template:
	cfn-lint template.yaml
	sam validate --lint
	sam build --parameter-overrides 'Apis=$(APIS)' 'Architecture=$(ARCH)'

## Build and deploy with SAM (asks for the parameters the first time).
deploy:
	sam build
	sam deploy --guided

## The Lambda artifact: target/lambda/gateway-doctor/bootstrap (needs `pip install cargo-lambda`).
build:
	$(CARGO) lambda build --release --$(ARCH)

## Send a sample event to `cargo lambda watch` running in another terminal
## (start it with: GATEWAY_DOCTOR_SOURCES=recorded cargo lambda watch).
EVENT ?= events/rest-integration-timeout-too-low.json
invoke:
	$(CARGO) lambda invoke gateway-doctor --data-file $(EVENT)
