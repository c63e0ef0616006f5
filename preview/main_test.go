package preview

import (
	"testing"

	"github.com/simplehttp/simplehttp/internal/browsertest"
)

// TestMain stops the one Chromium that the browser tests share.
func TestMain(m *testing.M) { browsertest.Main(m) }
