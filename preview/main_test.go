package preview

import (
	"os"
	"testing"

	"github.com/simplehttp/simplehttp/internal/browsertest"
)

// TestMain stops the one Chromium that the browser tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	browsertest.Close()
	os.Exit(code)
}
