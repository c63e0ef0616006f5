//go:build linux

package main

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ticksPerSecond is USER_HZ, the unit of the CPU times in /proc: 100 on
// every Linux user space.
const ticksPerSecond = 100

// procStat holds the fields of /proc/PID/stat this program reads.
type procStat struct {
	ppid int
	cpu  int64 // utime + stime, in ticks
	dead int64 // cutime + cstime: CPU of children reaped, in ticks
}

// readStat reads /proc/PID/stat; ok is false once the process is gone.
func readStat(pid int) (st procStat, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return st, false
	}
	// The command name, in parentheses, may hold spaces: fields count
	// from the last ")". After it: state, ppid, ..., utime (the 12th),
	// stime, cutime, cstime.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return st, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return st, false
	}
	n := func(k int) int64 { v, _ := strconv.ParseInt(f[k], 10, 64); return v }
	return procStat{ppid: int(n(1)), cpu: n(11) + n(12), dead: n(13) + n(14)}, true
}

// allProcesses reads the stat of every process on the machine.
func allProcesses() map[int]procStat {
	procs := map[int]procStat{}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil {
			continue
		}
		if st, ok := readStat(pid); ok {
			procs[pid] = st
		}
	}
	return procs
}

// tree is pid and its descendants, from a snapshot of every process.
func tree(pid int, procs map[int]procStat) []int {
	pids := []int{pid}
	for i := 0; i < len(pids); i++ {
		for child, st := range procs {
			if st.ppid == pids[i] {
				pids = append(pids, child)
			}
		}
	}
	return pids
}

// treeTicks is the CPU time of pid and its descendants, in ticks.
func treeTicks(pid int) int64 {
	procs := allProcesses()
	var sum int64
	for _, p := range tree(pid, procs) {
		sum += procs[p].cpu
	}
	return sum
}

// treeMemory sums a /proc/PID/status field in kB ("VmRSS", "VmHWM")
// over pid and its descendants, in MiB. nginx counts as its master and
// its worker, as Python would with its threads in one process.
func treeMemory(pid int, field string) float64 {
	var kib int64
	for _, p := range tree(pid, allProcesses()) {
		kib += statusField(p, field)
	}
	return float64(kib) / 1024
}

// resetPeak sets the peak RSS (VmHWM) of pid and its descendants back
// to their present RSS, so that a later VmHWM is the peak since then.
func resetPeak(pid int) error {
	for _, p := range tree(pid, allProcesses()) {
		if err := os.WriteFile("/proc/"+strconv.Itoa(p)+"/clear_refs", []byte("5"), 0); err != nil {
			return err
		}
	}
	return nil
}

// statusField reads one "Name: N kB" line of /proc/PID/status.
func statusField(pid int, field string) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			v, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return v
		}
	}
	return 0
}

// machineBusy is the CPU time all cores spent running tasks (user,
// nice, system) or lost to the hypervisor (steal), in ticks. Interrupt
// time is left out, as it is from every task's own time, so that the
// loopback traffic of a load counts for neither side.
func machineBusy() int64 {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line)) // cpu user nice system idle iowait irq softirq steal ...
	if len(f) < 9 || f[0] != "cpu" {
		return 0
	}
	var sum int64
	for _, k := range []int{1, 2, 3, 8} {
		v, _ := strconv.ParseInt(f[k], 10, 64)
		sum += v
	}
	return sum
}

// selfTicks is the CPU time of this program and of its children reaped
// (wrk), in ticks.
func selfTicks() int64 {
	st, _ := readStat(os.Getpid())
	return st.cpu + st.dead
}
