# The front door. `make replay` and `make test` work on a fresh machine with no AWS account.
CARGO ?= cargo
ARCH ?= arm64

.PHONY: replay test lint build invoke fmt

## Replay every bundled sample alarm against the bundled recorded scenarios.
replay:
	$(CARGO) run --quiet -- replay

## Unit, handler, end-to-end and emulator tests (scripts/with-moto installs and starts moto's AWS emulator).
test:
	scripts/with-moto $(CARGO) test --all-targets --quiet

## Formatting and lints, warnings as errors.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## The Lambda artifact: target/lambda/gateway-doctor/bootstrap (needs `pip install cargo-lambda`).
build:
	$(CARGO) lambda build --release --$(ARCH)

## Send a sample event to `cargo lambda watch` running in another terminal
## (start it with: GATEWAY_DOCTOR_SOURCES=recorded cargo lambda watch).
EVENT ?= events/rest-integration-timeout-too-low.json
invoke:
	$(CARGO) lambda invoke gateway-doctor --data-file $(EVENT)
