# motcua — `make run` to try it, `make test` to prove it.
GO      ?= go
BIN     := bin/motcua
PKGS    := ./...

.PHONY: build run test test-office test-short lint fuzz bench check-config clean

## FUZZTIME: how long `make fuzz` runs each fuzz target
FUZZTIME ?= 30s

## build: compile the motcua binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/motcua

## run: build, migrate, load the demo data and serve on the embedded SQLite database
run: build
	./$(BIN) migrate
	./$(BIN) seed-demo
	./$(BIN) serve

## test: lint (gofmt, vet) and the whole suite with the race detector, on SQLite and PostgreSQL, then test-office.
## A tool this machine lacks (PostgreSQL, LibreOffice) is skipped with one loud line; .ci/run installs them
## and sets MOTCUA_REQUIRE_* so that nothing is skipped there.
test: lint
	@./scripts/preflight
	$(GO) test -race -count=1 -skip '^TestXLSXInLibreOffice$$' $(PKGS)
	$(MAKE) --no-print-directory test-office

## test-office: open the Biểu 06 workbook in LibreOffice Calc (headless) and find its total (skipped without libreoffice-calc unless MOTCUA_REQUIRE_OFFICE=1)
test-office:
	$(GO) test -count=1 -run '^TestXLSXInLibreOffice$$' ./reports/

## lint: formatting, vet, and govulncheck (scripts/vulncheck: a vulnerability the code calls fails unless
## docs/SECURITY.md justifies it; skipped with one loud line when no database can be had, unless MOTCUA_REQUIRE_VULNCHECK=1)
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	@GO=$(GO) ./scripts/vulncheck

## fuzz: every fuzz target (func Fuzz… in *_fuzz_test.go) for FUZZTIME each (default 30s, e.g. make fuzz FUZZTIME=10m;
## FUZZ_ONLY=regexp picks targets), on SQLite; their seed corpora run in `make test` on both databases. A failing input lands in testdata/fuzz/.
fuzz:
	@FUZZTIME=$(FUZZTIME) GO=$(GO) ./scripts/fuzz

## check-config: validate the shipped catalogue
check-config: build
	./$(BIN) check-config configs

## bench: transitions/s through the engine on PostgreSQL vs pgbench (see docs/PERFORMANCE.md)
bench: build
	./$(BIN) bench engine -workers 16 -duration 20s

clean:
	rm -rf bin data
