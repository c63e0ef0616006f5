package listing

import (
	"reflect"
	"testing"
	"time"
)

// fingerprintFixture is a listing with every field set.
func fingerprintFixture() *Listing {
	return &Listing{
		Path:    "/docs/",
		Total:   3,
		Query:   Query{Sort: SortSize, Filter: "a", Limit: 10, Offset: 1, Format: FormatHTML, View: ViewGrid},
		ModTime: time.Unix(1700000000, 5),
		Readme:  &Readme{Name: "README.md", Text: "# Docs\n", Truncated: false},
		Entries: []*Entry{
			{Name: "a.txt", URL: "a.txt", Size: 12, ModTime: time.Unix(1700000000, 1), Type: "text/plain", Category: CategoryText},
			{Name: "b", URL: "b/", ModTime: time.Unix(1600000000, 0), IsDir: true, IsSymlink: true, Category: CategoryFolder},
		},
	}
}

// TestFingerprintCoversEveryField changes each exported field of a
// listing, its query, its README and an entry, one at a time, and
// expects the fingerprint to change: a field added to any of them fails
// here until Fingerprint hashes it.
func TestFingerprintCoversEveryField(t *testing.T) {
	base := fingerprintFixture().Fingerprint()
	if again := fingerprintFixture().Fingerprint(); again != base {
		t.Fatalf("equal listings: fingerprints %x and %x", base, again)
	}
	targets := map[string]func(l *Listing) reflect.Value{
		"Listing": func(l *Listing) reflect.Value { return reflect.ValueOf(l).Elem() },
		"Query":   func(l *Listing) reflect.Value { return reflect.ValueOf(&l.Query).Elem() },
		"Readme":  func(l *Listing) reflect.Value { return reflect.ValueOf(l.Readme).Elem() },
		"Entry":   func(l *Listing) reflect.Value { return reflect.ValueOf(l.Entries[1]).Elem() },
	}
	for name, target := range targets {
		typ := target(fingerprintFixture()).Type()
		for i := range typ.NumField() {
			field := typ.Field(i)
			if !field.IsExported() {
				continue
			}
			l := fingerprintFixture()
			if !change(target(l).Field(i)) {
				if !ownTarget[field.Name] {
					t.Errorf("%s.%s: the test cannot change a field of its kind", name, field.Name)
				}
				continue
			}
			if l.Fingerprint() == base {
				t.Errorf("%s.%s changed, the fingerprint did not", name, field.Name)
			}
		}
	}
	for name, change := range map[string]func(l *Listing){
		"no README":           func(l *Listing) { l.Readme = nil },
		"an entry fewer":      func(l *Listing) { l.Entries = l.Entries[:1] },
		"entries swapped":     func(l *Listing) { l.Entries[0], l.Entries[1] = l.Entries[1], l.Entries[0] },
		"name/URL boundaries": func(l *Listing) { l.Entries[0].Name, l.Entries[0].URL = "a.txta", ".txt" },
	} {
		l := fingerprintFixture()
		change(l)
		if l.Fingerprint() == base {
			t.Errorf("%s: the fingerprint did not change", name)
		}
	}
}

// ownTarget are the fields the test changes through their own target,
// or with the cases that follow.
var ownTarget = map[string]bool{"Query": true, "Readme": true, "Entries": true}

// change sets v to another value of its kind, and reports whether it could.
func change(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "x")
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int64:
		v.SetInt(v.Int() + 1)
	case reflect.Uint8:
		v.SetUint(v.Uint() + 1)
	case reflect.Struct:
		t, ok := v.Interface().(time.Time)
		if !ok {
			return false
		}
		v.Set(reflect.ValueOf(t.Add(time.Nanosecond)))
	default:
		return false
	}
	return true
}
