# simplehttp — run `make help` for the targets.

GO          ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 30s
SOAKTIME    ?= 60s
PORT        ?= 8000
RUNS        ?= 3
# The platforms make lint builds and vets for, so that no change breaks a
# build elsewhere (such as a 32-bit Raspberry Pi's).
PLATFORMS   ?= linux/amd64 linux/386 linux/arm linux/arm64 darwin/arm64 windows/amd64 freebsd/amd64

.PHONY: help build run test test-long lint fuzz bench bench-peers bench-gallery bench-live bench-resumable soak golden clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## build bin/simplehttp (static: no cgo)
	CGO_ENABLED=0 $(GO) build -o bin/simplehttp ./cmd/simplehttp

run: build ## serve the current directory on $(PORT)
	./bin/simplehttp $(PORT)

test: lint ## lint, then every test with the race detector (the README's test command)
	$(GO) test -race -count=1 -timeout 20m ./...
	# The stack frames as the program is built: the race detector changes them.
	$(GO) test -count=1 -run '^TestHTTP2SmallAnswerFitsStackReserve$$' ./cmd/simplehttp

test-long: ## the flat-memory tests at 1 GiB (make test moves 256 MiB): uploads by PUT and form, zip and tar.gz of a folder
	SIMPLEHTTP_LONG=1 $(GO) test -race -count=1 -run '^(TestBinaryUploadBig|TestBinaryArchiveBig)$$' -timeout 30m -v ./cmd/simplehttp

lint: ## gofmt, go vet, staticcheck; go build and go vet for each of $(PLATFORMS)
	@unformatted=$$(gofmt -l .); if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...
	@set -e; for p in $(PLATFORMS); do \
	  echo "GOOS=$${p%/*} GOARCH=$${p#*/} go build ./... && go vet ./..."; \
	  GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build ./...; \
	  GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) vet ./...; \
	done

fuzz: ## run every fuzz test for $(FUZZTIME) each
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$f"; $(GO) test $$pkg -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME); \
	  done; done

bench: ## Go benchmarks (listing rendering, handler paths)
	$(GO) test -run '^$$' -bench . -benchmem -count 6 ./... | tee bench.out

bench-peers: build ## simplehttp beside nginx, Caddy and Go's http.FileServer under load (RUNS=3; installs wrk, h2load, nginx, Caddy)
	bench/install.sh
	$(GO) build -o bin/stdfs ./bench/stdfs
	$(GO) build -o bin/floor ./bench/floor
	$(GO) build -o bin/peers ./bench/peers
	bin/peers --runs $(RUNS) --ours bin/simplehttp --stdfs bin/stdfs --floor bin/floor

bench-gallery: ## thumbnails: a 500-photo grid cold and cached, peak RSS on 24 MP photos (a few minutes)
	SIMPLEHTTP_GALLERY_BENCH=1 $(GO) test -run '^TestGalleryBench$$' -count=1 -timeout 30m -v ./cmd/simplehttp

bench-live: ## --live: watcher start and RSS on 100,000 files, RSS of 1,000 live pages, reload latency of 50 edits
	SIMPLEHTTP_LIVE_BENCH=1 $(GO) test -run '^TestLiveMeasure$$' -count=1 -timeout 10m -v ./cmd/simplehttp

bench-resumable: ## 2 GiB by tus in 16 MiB chunks beside a plain PUT: throughput, and the server's peak RSS (must stay flat)
	SIMPLEHTTP_RESUMABLE_BENCH=1 $(GO) test -run '^TestResumableMeasure$$' -count=1 -timeout 15m -v ./cmd/simplehttp

soak: ## bounded mixed load against the real binary for $(SOAKTIME)
	SIMPLEHTTP_SOAK=$(SOAKTIME) $(GO) test -run '^TestSoak$$' -count=1 -timeout 0 -v ./cmd/simplehttp

golden: ## rewrite the golden files after an intended change
	$(GO) test ./listing -run Golden -update

clean: ## remove build output
	rm -rf bin bench.out artifacts
