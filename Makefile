# motcua — `make run` to try it, `make test` to prove it.
GO      ?= go
BIN     := bin/motcua
PKGS    := ./...

.PHONY: build run test test-browser test-office test-outage test-failover test-pgbouncer test-crash test-short lint fuzz bench soak check-config screenshots clean

## FUZZTIME: how long `make fuzz` runs each fuzz target
FUZZTIME ?= 30s

## SOAK_DURATION, SOAK_CLIENTS: how long `make soak` runs and with how many concurrent clients
SOAK_DURATION ?= 5m
SOAK_CLIENTS  ?= 16

## build: compile the motcua binary into bin/
build:
	$(GO) build -o $(BIN) ./cmd/motcua

## run: build, migrate, load the demo data and serve on the embedded SQLite database
run: build
	./$(BIN) migrate
	./$(BIN) seed-demo
	./$(BIN) serve

## test: lint (gofmt, vet) and the whole suite with the race detector, on SQLite and PostgreSQL, then test-browser
## (web/browser_test.go: Debian's Chromium driven by chromedp, axe-core from web/testdata/axe's lockfile, which
## scripts/preflight installs with npm ci) and test-office.
## A tool this machine lacks (PostgreSQL, LibreOffice, Chromium, npm) is skipped with one loud line; .ci/run
## installs them and sets MOTCUA_REQUIRE_* so that nothing is skipped there.
test: lint
	@./scripts/preflight
	$(GO) test -race -count=1 -skip '^(TestXLSXInLibreOffice|TestBrowser.*)$$' $(PKGS)
	$(MAKE) --no-print-directory test-browser
	$(MAKE) --no-print-directory test-office

## test-browser: the browser tests of the pages, without the race detector (it doubled their time and races in
## the pages' code are what the other web tests find under it); skipped without chromium unless MOTCUA_REQUIRE_BROWSER=1
test-browser:
	$(GO) test -count=1 -run '^TestBrowser' ./web/

## test-office: open the Biểu 06 workbook in LibreOffice Calc (headless) and find its total (skipped without libreoffice-calc unless MOTCUA_REQUIRE_OFFICE=1)
test-office:
	$(GO) test -count=1 -run '^TestXLSXInLibreOffice$$' ./reports/

## test-outage: the database outage tests alone (make test runs them too): a PostgreSQL cluster of the
## test's own stopped for 10 s under load (root and pg_createcluster, else skipped unless
## MOTCUA_REQUIRE_POSTGRES=1), the classification of outages, the outbox across one, counters that disagree
test-outage:
	$(GO) test -race -count=1 -run '^(TestDatabaseOutage|TestReportCountersDisagree)$$' ./cmd/motcua/
	$(GO) test -race -count=1 -run '^(TestUnavailable.*|TestConnectTimeout|TestOutageLog)$$' ./models/
	$(GO) test -race -count=1 -run '^TestWorkerRecordsSentAcrossOutage$$' ./notify/
	$(GO) test -race -count=1 -run '^TestRequestTimeoutIsUnavailable$$' ./handlers/

## test-failover: the primary failover test alone (make test runs it too, about 45 s): a primary and a synchronous
## streaming replica of the test's own (root and pg_createcluster, else skipped unless MOTCUA_REQUIRE_POSTGRES=1),
## serve on a multi-host DATABASE_URL under load, the primary killed, the replica promoted; no acknowledged write lost
test-failover:
	$(GO) test -race -count=1 -run '^TestFailover$$' ./cmd/motcua/

## test-pgbouncer: motcua's flows (migrate, submit, events, racing sweeps and their locks, the outbox) through
## pgbouncer in transaction pooling mode, a child process in front of the shared cluster, with
## MOTCUA_DB_SIMPLE_PROTOCOL=true (make test runs it too; skipped without pgbouncer unless MOTCUA_REQUIRE_POSTGRES=1)
test-pgbouncer:
	$(GO) test -race -count=1 -run '^TestPgBouncerTransactionPooling$$' ./cmd/motcua/
	$(GO) test -race -count=1 -run '^TestSweepLockHeldSkips$$' ./deadlines/

## test-crash: the crash test alone, longer than in make test (which runs it with 4 kills, about 30 s; 12 kills take about 60 s): serve
## SIGKILLed 12 times under submits, uploads and receipts (MOTCUA_CRASH_KILLS to change, MOTCUA_CRASH_SEED to
## replay a run), and the startup sweep of files without a row on both databases; skipped without PostgreSQL unless
## MOTCUA_REQUIRE_POSTGRES=1
test-crash:
	MOTCUA_CRASH_KILLS=$${MOTCUA_CRASH_KILLS:-12} $(GO) test -race -count=1 -v -run '^TestCrashSafety$$' ./cmd/motcua/
	$(GO) test -race -count=1 -run '^TestSweepFiles$$' ./service/

## screenshots: PNGs of every main page (web/browser_test.go's mainPages), Vietnamese and English, desktop (1280 px)
## and phone (375 px), into docs/screenshots/<page>-<vi|en>-<desktop|phone>.png; needs chromium
screenshots:
	@./scripts/preflight
	rm -f docs/screenshots/*.png
	MOTCUA_REQUIRE_BROWSER=1 MOTCUA_SCREENSHOTS=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run '^TestBrowserPages$$' ./web/

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

## soak: a mixed load on PostgreSQL for SOAK_DURATION (default 5m): 70 % reads (API and pages), 25 % events, 5 % submits,
## a sweep every 10 s, on the composed server over a fresh schema (-db, else DATABASE_URL, else MOTCUA_TEST_DATABASE_URL);
## a line every 30 s; fails on > 0.1 % errors or > 20 % RSS or goroutine growth after the 60 s warm-up (docs/PERFORMANCE.md)
soak: build
	./$(BIN) soak -duration $(SOAK_DURATION) -clients $(SOAK_CLIENTS)

clean:
	rm -rf bin data
