package etag

import (
	"testing"
	"time"
)

func TestETag(t *testing.T) {
	mod := time.Unix(1700000000, 123)
	if got, want := Of(mod, 1024), `"`+Version(mod, 1024)+`"`; got != want {
		t.Errorf("Of = %s, want %s", got, want)
	}
	if Version(mod, 1024) == Version(mod, 1025) || Version(mod, 1) == Version(mod.Add(1), 1) {
		t.Error("a change of size or time keeps the version")
	}
	if got, want := Version(time.Unix(0, 36), 35), "10-z"; got != want {
		t.Errorf("Version = %s, want %s", got, want)
	}
}
