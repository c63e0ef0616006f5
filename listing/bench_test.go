package listing

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/simplehttp/simplehttp/internal/localfs"
)

// benchFolder creates n small files in a fresh temporary folder and
// returns the folder's file system.
func benchFolder(b *testing.B, n int) fs.FS {
	b.Helper()
	dir := b.TempDir()
	for i := range n {
		name := filepath.Join(dir, fmt.Sprintf("file-%06d.txt", i))
		if err := os.WriteFile(name, []byte("small fixture file\n"), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { root.Close() })
	return root.FS()
}

// BenchmarkListing10k is a whole listing of a 10,000-file folder: read,
// stat, sort and render, per format.
func BenchmarkListing10k(b *testing.B) {
	fsys := benchFolder(b, 10000)
	for _, format := range []string{"html", "json", "txt"} {
		b.Run(format, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				l, err := Read(context.Background(), fsys, ".", "/many/", Options{Readme: format == "html"})
				if err != nil {
					b.Fatal(err)
				}
				if err := render(&buf, l, format); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes/page")
		})
	}
	// As the Handler lists a folder it listed before: the names come from
	// a NameCache, once the folder has settled.
	b.Run("html/cached-names", func(b *testing.B) {
		opt := Options{Readme: true, Names: NewNameCache(16 << 20)}
		opt.Names.now = func() time.Time { return time.Now().Add(localfs.SettleTime + time.Second) }
		var buf bytes.Buffer
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			l, err := Read(context.Background(), fsys, ".", "/many/", opt)
			if err != nil {
				b.Fatal(err)
			}
			if err := render(&buf, l, "html"); err != nil {
				b.Fatal(err)
			}
		}
		if len(opt.Names.dirs) != 1 {
			b.Fatal("the folder's names were not cached")
		}
	})
}

// BenchmarkRenderHTML10k is the HTML rendering alone of 10,000 entries.
func BenchmarkRenderHTML10k(b *testing.B) {
	l, err := Read(context.Background(), benchFolder(b, 10000), ".", "/many/", Options{})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := l.WriteHTML(&buf, HTMLOptions{AssetPrefix: "../.simplehttp/0123456789ab/", Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstPage100k is the first page of a 100,000-file folder, in
// Python's order (names sorted, only the page stat'ed) and by time (every
// entry stat'ed).
func BenchmarkFirstPage100k(b *testing.B) {
	fsys := benchFolder(b, 100000)
	for _, raw := range []string{"", "limit=100", "sort=time&order=desc&limit=100"} {
		b.Run("q="+raw, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				l, err := Read(context.Background(), fsys, ".", "/huge/", Options{Query: ParseQuery(raw), Readme: true})
				if err != nil {
					b.Fatal(err)
				}
				if err := l.WriteHTML(&buf, HTMLOptions{AssetPrefix: "../.simplehttp/0123456789ab/", Now: now}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func render(buf *bytes.Buffer, l *Listing, format string) error {
	switch format {
	case "json":
		return l.WriteJSON(buf)
	case "txt":
		return l.WriteText(buf)
	}
	return l.WriteHTML(buf, HTMLOptions{AssetPrefix: "../.simplehttp/0123456789ab/", Now: now})
}

// BenchmarkSort10k is the sort alone of 10,000 entries read in a
// scrambled order, as a hashed directory gives them, per order.
func BenchmarkSort10k(b *testing.B) {
	store := make([]Entry, 10000)
	shuffled := make([]*Entry, len(store))
	for i := range store {
		name := fmt.Sprintf("file-%06d.txt", i*7919%len(store))
		store[i] = Entry{Name: name, lower: strings.ToLower(name), Size: int64(i % 97)}
		store[i].classify(new(extMemo))
		shuffled[i] = &store[i]
	}
	for _, raw := range []string{"", "sort=name", "sort=size"} {
		b.Run("q="+raw, func(b *testing.B) {
			q := ParseQuery(raw)
			es := make([]*Entry, len(shuffled))
			for b.Loop() {
				copy(es, shuffled)
				sortEntries(es, q)
			}
		})
	}
}

// BenchmarkFingerprint10k is the fingerprint of a 10,000-entry listing,
// which a listing kept coded costs on every answer.
func BenchmarkFingerprint10k(b *testing.B) {
	l, err := Read(context.Background(), benchFolder(b, 10000), ".", "/many/", Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		l.Fingerprint()
	}
}
