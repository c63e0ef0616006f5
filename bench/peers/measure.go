//go:build linux

package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The measurements, one value per server and run: the loads' rates
// (with bytesSuffix, bytes per answer; with cpuSuffix, server CPU per
// answer), and the others.
const (
	smallRPS      = "small"
	missingRPS    = "missing"
	listingRPS    = "listing"
	chromeSmall   = "chrome-small"
	chromeScript  = "chrome-script"
	chromeRandom  = "chrome-random"
	chromeListing = "chrome-listing"
	h2Small       = "h2-small"
	h2Chrome      = "h2-chrome-small"
	largeCPU      = "large-cpu"
	largeMBps     = "large-mbps"
	peakRSS       = "peak-rss"
	idleRSS       = "idle-rss"
	downRSS       = "download-rss"

	bytesSuffix = "-bytes"
	cpuSuffix   = "-cpu"
)

// noiseLimit is the share of a core the rest of the machine may take
// during a measurement before it is flagged, in percent.
const noiseLimit = 10

// load is one scenario: a client asks for path over conns connections,
// sending headers ("Name: value") besides its own: wrk over HTTP/1.1,
// or h2load over HTTP/2 and TLS.
type load struct {
	key, path string
	conns     int
	headers   []string
	h2        bool
	bytes     bool // record the bytes on the wire per answer too
	cpu       bool // record the server's CPU time per answer too
	yardstick bool // the floor runs it too
}

// What Chromium 156 sends, as captured from it: with a page or file
// opened in a tab (a navigation), and with a script a page loads. Over
// HTTP/2 the same, without Connection, which HTTP/2 forbids.
var (
	chromeNavigation = []string{
		"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/jxl,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7",
		"Accept-Encoding: gzip, deflate, br, zstd",
		"Accept-Language: en-US,en;q=0.9",
		"Connection: keep-alive",
		`Sec-Ch-Ua: "Not:A-Brand";v="8", "Chromium";v="156"`,
		"Sec-Ch-Ua-Mobile: ?0",
		`Sec-Ch-Ua-Platform: "Linux"`,
		"Sec-Fetch-Dest: document",
		"Sec-Fetch-Mode: navigate",
		"Sec-Fetch-Site: none",
		"Sec-Fetch-User: ?1",
		"Upgrade-Insecure-Requests: 1",
		"User-Agent: " + chromeUserAgent,
	}
	chromeScriptFetch = []string{
		"Accept: */*",
		"Accept-Encoding: gzip, deflate, br, zstd",
		"Accept-Language: en-US,en;q=0.9",
		"Connection: keep-alive",
		"Referer: http://127.0.0.1/",
		`Sec-Ch-Ua: "Not:A-Brand";v="8", "Chromium";v="156"`,
		"Sec-Ch-Ua-Mobile: ?0",
		`Sec-Ch-Ua-Platform: "Linux"`,
		"Sec-Fetch-Dest: script",
		"Sec-Fetch-Mode: no-cors",
		"Sec-Fetch-Site: same-origin",
		"User-Agent: " + chromeUserAgent,
	}
	chromeNavigationH2 = slices.DeleteFunc(slices.Clone(chromeNavigation), func(h string) bool {
		return strings.HasPrefix(h, "Connection:")
	})
)

const chromeUserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"

// plainLoads run over plain HTTP/1.1, tlsLoads over HTTPS: the same 1
// KiB file asked for as curl asks (no Accept-Encoding) and as Chrome
// asks, over HTTP/2 with h2load -c20 -m10.
var (
	plainLoads = []load{
		{key: smallRPS, path: smallPath, conns: 50, cpu: true, yardstick: true},
		{key: missingRPS, path: missingPath, conns: 50, yardstick: true},
		{key: listingRPS, path: manyPath, conns: 10, cpu: true},
		{key: chromeSmall, path: smallPath, conns: 50, headers: chromeNavigation, bytes: true, cpu: true, yardstick: true},
		{key: chromeScript, path: scriptPath, conns: 50, headers: chromeScriptFetch, bytes: true, cpu: true},
		{key: chromeRandom, path: randomPath, conns: 50, headers: chromeNavigation, bytes: true},
		{key: chromeListing, path: manyPath, conns: 10, headers: chromeNavigation, bytes: true, cpu: true},
		{key: largeCPU, path: largePath, conns: 4},
	}
	tlsLoads = []load{
		{key: h2Small, path: smallPath, conns: 20, h2: true, bytes: true, cpu: true, yardstick: true},
		{key: h2Chrome, path: smallPath, conns: 20, headers: chromeNavigationH2, h2: true, bytes: true, cpu: true, yardstick: true},
	}
)

// measurer runs the loads of one run against one server.
type measurer struct {
	p                 peer
	cfg               config
	root, tmp, script string
	got               map[string]float64
	notes             []string
}

// peak raises the peak RSS over the whole run to mib, if it is higher.
func (m *measurer) peak(mib float64) {
	m.got[peakRSS] = max(m.got[peakRSS], mib)
}

func (m *measurer) note(format string, args ...any) {
	n := m.p.name + ": " + fmt.Sprintf(format, args...)
	m.notes = append(m.notes, n)
	logf("  note: %s", n)
}

// measure runs every load against p, in parts, each on a server just
// started: the plain loads, then the connections (idle, then
// downloading), whose memory would otherwise hold what the loads left,
// then, over HTTPS with cert (if not nil) on a server that serves it,
// the TLS loads. A yardstick runs only the loads marked for it. check
// asks for a check of the answers first. It returns the measurements and
// notes on anything that makes one doubtful.
func measure(p peer, cfg config, root, tmp, script string, cert *certPair, check bool) (map[string]float64, []string) {
	m := &measurer{p: p, cfg: cfg, root: root, tmp: tmp, script: script, got: map[string]float64{}}
	type part struct {
		loads []load // none: the connections
		cert  *certPair
	}
	parts := []part{{plainLoads, nil}}
	if !p.yardstick {
		parts = append(parts, part{nil, nil})
	}
	if cert != nil && p.tlsCapable {
		parts = append(parts, part{tlsLoads, cert})
	}
	for _, pt := range parts {
		s, err := start(p, root, tmp, cfg.serverCPU, pt.cert)
		if err != nil {
			m.note("%v", err)
			continue
		}
		if check {
			for _, problem := range checkAnswers(s, p.runs(pt.loads), cfg.many) {
				m.note("%s", problem)
			}
		}
		if pt.loads == nil {
			m.connections(s)
		} else {
			m.runLoads(s, pt.loads)
		}
		s.stop()
	}
	if p.yardstick {
		delete(m.got, peakRSS) // over a few loads: nothing to compare
	}
	return m.got, m.notes
}

// runs are the loads of loads that p runs.
func (p peer) runs(loads []load) []load {
	if !p.yardstick {
		return loads
	}
	return slices.DeleteFunc(slices.Clone(loads), func(l load) bool { return !l.yardstick })
}

// runLoads runs those of loads that m's server runs against s, each
// after a warm-up, and records the peak RSS over them all.
func (m *measurer) runLoads(s *running, loads []load) {
	for _, l := range m.p.runs(loads) {
		m.runLoad(s, l)
	}
	m.peak(treeMemory(s.pid, "VmHWM"))
}

// runLoad runs one load against s and records what it measured.
func (m *measurer) runLoad(s *running, l load) {
	if m.cfg.warmup > 0 {
		runClientFor(s, l, m.script, m.cfg.warmup)
		waitIdle(s.pid)
	}
	busy0, self0, ticks0 := machineBusy(), selfTicks(), treeTicks(s.pid)
	r, err := runClientFor(s, l, m.script, m.cfg.duration)
	ticks1, self1, busy1 := treeTicks(s.pid), selfTicks(), machineBusy()
	if err != nil {
		m.note("%s: %v", l.key, err)
		return
	}
	perAnswer, err := m.answerBytes(s, l, r)
	if err != nil {
		m.note("%s: %v", l.key, err)
	}
	m.record(l, r, float64(ticks1-ticks0)/ticksPerSecond, perAnswer)
	if r.socketErrs > 0 || (l.key != missingRPS && r.statusErrs > 0) {
		m.note("%s: the client saw %d socket errors and %d answers ≥ 400", l.key, r.socketErrs, r.statusErrs)
	}
	// What the rest of the machine took meanwhile, in % of a core.
	others := float64(busy1-busy0-(ticks1-ticks0)-(self1-self0)) / ticksPerSecond / r.seconds * 100
	if others > noiseLimit {
		m.note("%s: the rest of the machine took %.0f%% of a core meanwhile", l.key, others)
	}
	waitIdle(s.pid)
}

// answerBytes is the size of one of l's answers on the wire, for a load
// that asks for it: over HTTP/2, the mean of h2load's run r (HPACK makes
// the headers of later answers on a connection shorter); over HTTP/1.1,
// one answer asked for again, since wrk's count holds the parts of the
// answers cut off when the load ends, which for a slow load like the
// listing's are many.
func (m *measurer) answerBytes(s *running, l load, r loadResult) (float64, error) {
	switch {
	case !l.bytes || r.requests == 0:
		return 0, nil
	case l.h2:
		return float64(r.bytes) / float64(r.requests), nil
	}
	n, err := wireBytes(s.addr, l.path, l.headers)
	return float64(n), err
}

// record keeps what a run r of l measured, the server having taken
// serverSeconds of CPU meanwhile: the rate, and per answer the bytes
// (perAnswer, where l asks for them, and they could be measured) and CPU
// time where l asks for them; for the large file, MB/s and CPU per GB.
func (m *measurer) record(l load, r loadResult, serverSeconds, perAnswer float64) {
	if l.key == largeCPU {
		m.got[largeMBps] = float64(r.bytes) / r.seconds / 1e6
		m.got[largeCPU] = serverSeconds * 1000 / (float64(r.bytes) / 1e9)
		logf("  %s: %.0f MB/s, server CPU %.0f ms/GB", l.key, m.got[largeMBps], m.got[largeCPU])
		return
	}
	m.got[l.key] = float64(r.requests) / r.seconds
	msg := fmt.Sprintf("%.0f req/s", m.got[l.key])
	switch {
	case r.requests == 0:
		m.note("%s: not one answer in %s", l.key, m.cfg.duration)
		return
	case l.bytes && perAnswer > 0:
		m.got[l.key+bytesSuffix] = perAnswer
		msg += fmt.Sprintf(", %.0f bytes per answer", perAnswer)
	}
	if l.cpu {
		m.got[l.key+cpuSuffix] = serverSeconds * 1e6 / float64(r.requests)
		msg += fmt.Sprintf(", server CPU %.1f µs per answer", m.got[l.key+cpuSuffix])
	}
	logf("  %s: %s", l.key, msg)
}

// runClientFor runs l's load generator against s for d.
func runClientFor(s *running, l load, script string, d time.Duration) (loadResult, error) {
	if l.h2 {
		return runH2load(s.base+l.path, l.conns, l.headers, d)
	}
	return runWrk(script, s.base+l.path, l.conns, l.headers, d)
}

// connections measures the RSS while the server holds idle keep-alive
// connections, then its highest RSS while clients download the large
// file.
func (m *measurer) connections(s *running) {
	switch conns, open, err := idleConnections(s.addr, m.cfg.idle); {
	case err != nil:
		m.note("idle connections: %v", err)
	case open == 0:
		closeAll(conns)
		m.note("closes every connection after its answer: no idle connections to hold")
	default:
		m.got[idleRSS] = treeMemory(s.pid, "VmRSS")
		closeAll(conns)
		if open < m.cfg.idle {
			m.note("kept %d of %d idle connections open", open, m.cfg.idle)
		}
		logf("  %d idle connections: RSS %.1f MiB", open, m.got[idleRSS])
	}
	time.Sleep(500 * time.Millisecond) // the server notices the closed connections
	waitIdle(s.pid)

	m.peak(treeMemory(s.pid, "VmHWM")) // before the downloads reset it
	if err := resetPeak(s.pid); err != nil {
		m.note("downloads: cannot reset the peak RSS: %v", err)
		return
	}
	mbps := downloads(s.base+largePath, m.cfg.downloaders, m.cfg.duration)
	m.got[downRSS] = treeMemory(s.pid, "VmHWM")
	m.peak(m.got[downRSS])
	logf("  %d downloads: %.0f MB/s, RSS at most %.1f MiB", m.cfg.downloaders, mbps, m.got[downRSS])
}
