//go:build linux

package main

import (
	"fmt"
	"time"
)

// The measurements, one value per server and run.
const (
	smallRPS   = "small"
	missingRPS = "missing"
	listingRPS = "listing"
	largeCPU   = "large-cpu"
	largeMBps  = "large-mbps"
	peakRSS    = "peak-rss"
	idleRSS    = "idle-rss"
	downRSS    = "download-rss"
)

// noiseLimit is the share of a core the rest of the machine may take
// during a measurement before it is flagged, in percent.
const noiseLimit = 10

// wrkLoad is one wrk scenario.
type wrkLoad struct {
	key, path string
	conns     int
}

var wrkLoads = []wrkLoad{
	{smallRPS, smallPath, 50},
	{missingRPS, missingPath, 50},
	{listingRPS, manyPath, 10},
	{largeCPU, largePath, 4},
}

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

// measure runs every load against p, in two parts, each on a server just
// started: wrk's loads, then the connections (idle, then downloading),
// whose memory would otherwise hold what the loads left; a yardstick
// only the 1 KiB file and 404 loads. check asks for
// a check of its answers first. It returns the measurements and notes on
// anything that makes one doubtful.
func measure(p peer, cfg config, root, tmp, script string, check bool) (map[string]float64, []string) {
	m := &measurer{p: p, cfg: cfg, root: root, tmp: tmp, script: script, got: map[string]float64{}}
	parts := []func(*running){m.wrkLoads, m.connections}
	if p.yardstick {
		parts = parts[:1]
	}
	for _, part := range parts {
		s, err := start(p, root, tmp, cfg.serverCPU)
		if err != nil {
			m.note("%v", err)
			break
		}
		if check {
			for _, problem := range checkAnswers(s.base, cfg.many, !p.yardstick) {
				m.note("%s", problem)
			}
			check = false
		}
		part(s)
		s.stop()
	}
	if p.yardstick {
		delete(m.got, peakRSS) // over two loads of the eight: nothing to compare
	}
	return m.got, m.notes
}

// wrkLoads runs each wrk load after a warm-up, and records the peak RSS
// over them all.
func (m *measurer) wrkLoads(s *running) {
	for _, l := range wrkLoads {
		if m.p.yardstick && l.key != smallRPS && l.key != missingRPS {
			continue
		}
		if m.cfg.warmup > 0 {
			runWrk(m.script, s.base+l.path, l.conns, m.cfg.warmup)
			waitIdle(s.pid)
		}
		busy0, self0, ticks0 := machineBusy(), selfTicks(), treeTicks(s.pid)
		r, err := runWrk(m.script, s.base+l.path, l.conns, m.cfg.duration)
		ticks1, self1, busy1 := treeTicks(s.pid), selfTicks(), machineBusy()
		if err != nil {
			m.note("%s: %v", l.key, err)
			continue
		}
		if l.key == largeCPU {
			m.got[largeMBps] = float64(r.bytes) / r.seconds / 1e6
			m.got[largeCPU] = float64(ticks1-ticks0) * 1000 / ticksPerSecond / (float64(r.bytes) / 1e9)
			logf("  %s: %.0f MB/s, server CPU %.0f ms/GB", l.key, m.got[largeMBps], m.got[largeCPU])
		} else {
			m.got[l.key] = float64(r.requests) / r.seconds
			logf("  %s: %.0f req/s", l.key, m.got[l.key])
		}
		if r.socketErrs > 0 || (l.key != missingRPS && r.statusErrs > 0) {
			m.note("%s: wrk saw %d socket errors and %d answers ≥ 400", l.key, r.socketErrs, r.statusErrs)
		}
		// What the rest of the machine took meanwhile, in % of a core.
		others := float64(busy1-busy0-(ticks1-ticks0)-(self1-self0)) / ticksPerSecond / r.seconds * 100
		if others > noiseLimit {
			m.note("%s: the rest of the machine took %.0f%% of a core meanwhile", l.key, others)
		}
		waitIdle(s.pid)
	}
	m.peak(treeMemory(s.pid, "VmHWM"))
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
