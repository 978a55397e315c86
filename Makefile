# The front door. `make replay` and `make test` work on a fresh machine with no AWS account.
CARGO ?= cargo
ARCH ?= arm64

.PHONY: replay test lint build invoke fmt template deploy bench

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

## Benchmarks that print figures (recorded in docs/performance.md): cold start of the release
## binary under a local Lambda Runtime API, diagnosis time under injected AWS latency and its
## cost, log evaluator throughput. Also builds the arm64 bootstrap to report its size when
## cargo-lambda is installed (`pip install cargo-lambda`), unless BOOTSTRAP names one built already.
BOOTSTRAP ?=
bench:
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	bin=$$($(CARGO) build --release --message-format=json-render-diagnostics \
		| sed -n 's/.*"executable":"\([^"]*gateway-doctor\)".*/\1/p' | tail -n 1); \
	test -x "$$bin" || { echo "the release build named no gateway-doctor executable" >&2; exit 1; }; \
	cp "$$bin" "$$tmp/gateway-doctor"; \
	bootstrap="$(BOOTSTRAP)"; \
	if [ -z "$$bootstrap" ] && $(CARGO) lambda --version >/dev/null 2>&1; then \
		$(CARGO) lambda build --release --$(ARCH); \
		bootstrap="$$(dirname "$$(dirname "$$bin")")/lambda/gateway-doctor/bootstrap"; \
	fi; \
	GATEWAY_DOCTOR_BIN="$$tmp/gateway-doctor" GATEWAY_DOCTOR_BOOTSTRAP="$$bootstrap" \
	GATEWAY_DOCTOR_BENCH_SUMMARY="$$tmp/summary" \
		$(CARGO) bench --bench cold_start --bench diagnosis --bench evaluator; \
	echo; echo "== summary"; cat "$$tmp/summary"

## Send a sample event to `cargo lambda watch` running in another terminal
## (start it with: GATEWAY_DOCTOR_SOURCES=recorded cargo lambda watch).
EVENT ?= events/rest-integration-timeout-too-low.json
invoke:
	$(CARGO) lambda invoke gateway-doctor --data-file $(EVENT)
