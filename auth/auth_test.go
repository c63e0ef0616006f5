package auth_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/simplehttp/simplehttp/auth"
)

// ok is the handler behind: it answers 200 "ok".
var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })

// users has ann:secret in the clear and bob:hunter2 as a bcrypt hash.
func users(t *testing.T) *auth.Users {
	t.Helper()
	var u auth.Users
	u.AddPassword("ann", "secret")
	hash, err := bcrypt.GenerateFromPassword([]byte("hunter2"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if err := u.ReadFile(strings.NewReader("# accounts\n\nbob:"+string(hash)+"\n"), "users"); err != nil {
		t.Fatal(err)
	}
	return &u
}

func TestHandler(t *testing.T) {
	var log bytes.Buffer
	h := auth.New(ok, users(t), &auth.Options{FailureDelay: -1, Logger: slog.New(slog.NewTextHandler(&log, nil))})
	for _, tc := range []struct {
		name, user, password string
		basic                bool
		code                 int
	}{
		{name: "no credentials", code: 401},
		{name: "plain, right", user: "ann", password: "secret", basic: true, code: 200},
		{name: "plain, wrong password", user: "ann", password: "Secret", basic: true, code: 401},
		{name: "plain, password of another", user: "ann", password: "hunter2", basic: true, code: 401},
		{name: "hashed, right", user: "bob", password: "hunter2", basic: true, code: 200},
		{name: "hashed, right again (cached)", user: "bob", password: "hunter2", basic: true, code: 200},
		{name: "hashed, wrong", user: "bob", password: "hunter3", basic: true, code: 401},
		{name: "unknown user", user: "eve", password: "secret", basic: true, code: 401},
		{name: "empty", basic: true, code: 401},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.basic {
			r.SetBasicAuth(tc.user, tc.password)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.code {
			t.Errorf("%s: %d, want %d", tc.name, w.Code, tc.code)
		}
		if tc.code == 401 {
			if got := w.Header().Get("WWW-Authenticate"); got != `Basic realm="simplehttp", charset="UTF-8"` {
				t.Errorf("%s: WWW-Authenticate %q", tc.name, got)
			}
			if strings.Contains(w.Body.String(), "ok") || !strings.Contains(w.Body.String(), "401") {
				t.Errorf("%s: body %q", tc.name, w.Body)
			}
		}
	}
	if strings.Contains(log.String(), "Secret") || strings.Contains(log.String(), "hunter3") {
		t.Errorf("a password was logged:\n%s", log.String())
	}
	if !strings.Contains(log.String(), "user=eve") || strings.Count(log.String(), "wrong user name or password") != 5 {
		t.Errorf("failed attempts not logged one line each:\n%s", log.String())
	}
}

// TestProtects: with a Protects function only the requests it names need
// credentials (the command's --auth-upload-only).
func TestProtects(t *testing.T) {
	writes := func(r *http.Request) bool { return r.Method != "GET" && r.Method != "HEAD" && r.Method != "OPTIONS" }
	h := auth.New(ok, users(t), &auth.Options{Protects: writes, FailureDelay: -1})
	for method, want := range map[string]int{"GET": 200, "HEAD": 200, "OPTIONS": 200, "PUT": 401, "POST": 401, "DELETE": 401} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(method, "/x", nil))
		if w.Code != want {
			t.Errorf("%s: %d, want %d", method, w.Code, want)
		}
	}
	r := httptest.NewRequest("PUT", "/x", nil)
	r.SetBasicAuth("ann", "secret")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Errorf("PUT with credentials: %d", w.Code)
	}
}

// TestFailureDelay: a failure is answered after the delay, and beyond
// MaxDelayed failures waiting at once the next get 429 at once. (Those
// wait a minute, until their clients leave, so that a loaded machine
// cannot end one before the last has come.)
func TestFailureDelay(t *testing.T) {
	var plain auth.Users // no bcrypt: every check is quick, the failures overlap
	plain.AddPassword("ann", "secret")
	wrong := func(h http.Handler, ctx context.Context) int {
		r := httptest.NewRequestWithContext(ctx, "GET", "/", nil)
		r.SetBasicAuth("ann", "wrong")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	delay := time.Second
	h := auth.New(ok, &plain, &auth.Options{FailureDelay: delay, Logger: slog.New(slog.DiscardHandler)})
	start := time.Now()
	if code := wrong(h, context.Background()); code != 401 || time.Since(start) < delay {
		t.Fatalf("one failure: %d after %s, want 401 after %s", code, time.Since(start), delay)
	}
	h = auth.New(ok, &plain, &auth.Options{FailureDelay: time.Minute, Logger: slog.New(slog.DiscardHandler)})
	leave, cancel := context.WithCancel(context.Background())
	defer cancel()
	codes := make(chan int, auth.MaxDelayed+10)
	for range auth.MaxDelayed + 10 {
		go func() { codes <- wrong(h, leave) }()
	}
	count := map[int]int{}
	for range 10 { // the ones beyond MaxDelayed, at once
		select {
		case code := <-codes:
			count[code]++
		case <-time.After(20 * time.Second): // only a failing test waits
			t.Fatalf("%d failures answered at once, want 10", count[429]+count[401])
		}
	}
	cancel()
	for range auth.MaxDelayed {
		count[<-codes]++
	}
	if count[401] != auth.MaxDelayed || count[429] != 10 {
		t.Errorf("%d concurrent failures: %v, want %d 401s and 10 429s", auth.MaxDelayed+10, count, auth.MaxDelayed)
	}
}

func TestReadFileErrors(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"ann\n", "users, line 1: want user:bcrypt-hash"},
		{"# c\n:x\n", "users, line 2: want user:bcrypt-hash"},
		{"ann:plaintext-password\n", `users, line 1: the password of "ann" is not a bcrypt hash`},
	} {
		var u auth.Users
		err := u.ReadFile(strings.NewReader(tc.file), "users")
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "plaintext-password") {
			t.Errorf("%q: %v, want %q", tc.file, err, tc.want)
		}
	}
}

// FuzzReadFile: no file content panics the parser, and an accepted file
// gives accounts only for lines with a bcrypt hash.
func FuzzReadFile(f *testing.F) {
	f.Add("ann:$2y$05$abcdefghijklmnopqrstuuWm5bV1sVnW8OMI8ZqHk1ZKLhG.lBm6W\n")
	f.Add("# comment\n\n:\n")
	f.Add("a:b:c")
	f.Fuzz(func(t *testing.T, file string) {
		var u auth.Users
		if err := u.ReadFile(strings.NewReader(file), "f"); err == nil && u.Len() > strings.Count(file, ":") {
			t.Errorf("%d accounts from %q", u.Len(), file)
		}
	})
}

// TestUnknownUserTakesAsLong: a wrong user name costs what a wrong
// password does, so timing does not tell which names exist. Before the
// fix the unknown name was checked against a cost-4 hash: 8 times faster
// than a cost-7 one. The cost is checked exactly; the timing only proves
// that an unknown name is checked at all, so its bound is loose enough
// for a loaded machine.
func TestUnknownUserTakesAsLong(t *testing.T) {
	var u auth.Users
	for _, c := range []struct {
		user string
		cost int
	}{{"bob", 7}, {"ann", 5}} { // the highest cost first, then a lower one
		hash, err := bcrypt.GenerateFromPassword([]byte("hunter2"), c.cost)
		if err != nil {
			t.Fatal(err)
		}
		if err := u.AddHash(c.user, hash); err != nil {
			t.Fatal(err)
		}
	}
	if cost, err := bcrypt.Cost(auth.CheckedAgainst(&u, "mallory")); cost != 7 || err != nil {
		t.Errorf("an unknown user is checked against a hash of cost %d (%v), want 7, the highest", cost, err)
	}

	check := func(user string) time.Duration {
		start := time.Now()
		if u.Check(user, "wrong") {
			t.Fatalf("%s:wrong accepted", user)
		}
		return time.Since(start)
	}
	// The fastest of three each, taken in turns, so that a load on the
	// machine slows both alike.
	known, unknown := time.Hour, time.Hour
	for range 3 {
		known = min(known, check("bob"))
		unknown = min(unknown, check("mallory"))
	}
	t.Logf("unknown %v, known %v", unknown, known)
	if unknown < known/8 {
		t.Errorf("unknown user checked in %v, a known one with a wrong password in %v", unknown, known)
	}
}

// BenchmarkCheckHash measures a browser's every request under --auth-file:
// the first check of a cost-10 hash, then the remembered ones.
func BenchmarkCheckHash(b *testing.B) {
	hash, err := bcrypt.GenerateFromPassword([]byte("hunter2"), bcrypt.DefaultCost)
	if err != nil {
		b.Fatal(err)
	}
	var u auth.Users
	if err := u.AddHash("bob", hash); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if !u.Check("bob", "hunter2") {
		b.Fatal("bob:hunter2 refused")
	}
	first := time.Since(start)
	for b.Loop() {
		u.Check("bob", "hunter2")
	}
	b.ReportMetric(float64(first.Milliseconds()), "ms-first")
}

// TestFlood: while MaxDelayed failures wait, credentials not accepted
// lately get 429 unchecked, right or wrong, so a flood learns nothing;
// a user already let in keeps working. The failures are held back for a
// minute, until their clients leave at the end of the test, so that a
// loaded machine cannot end the flood early.
func TestFlood(t *testing.T) {
	var u auth.Users
	u.AddPassword("ann", "secret")
	u.AddPassword("bob", "hunter2")
	h := auth.New(ok, &u, &auth.Options{FailureDelay: time.Minute, Logger: slog.New(slog.DiscardHandler)})
	get := func(ctx context.Context, user, password string) int {
		r := httptest.NewRequestWithContext(ctx, "GET", "/", nil)
		r.SetBasicAuth(user, password)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	bg := context.Background()
	if code := get(bg, "ann", "secret"); code != 200 {
		t.Fatalf("ann before the flood: %d", code)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	leave, cancel := context.WithCancel(bg)
	defer cancel()
	for range auth.MaxDelayed {
		wg.Go(func() { get(leave, "eve", "guess") })
	}
	for deadline := time.Now().Add(20 * time.Second); !auth.Flooded(h); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the flood of failures is not held back")
		}
	}
	if code := get(bg, "bob", "hunter2"); code != 429 {
		t.Errorf("a right password, not let in lately, during the flood: %d, want 429", code)
	}
	if code := get(bg, "bob", "wrong"); code != 429 {
		t.Errorf("a wrong password during the flood: %d, want 429", code)
	}
	if code := get(bg, "ann", "secret"); code != 200 {
		t.Errorf("ann, let in before the flood: %d, want 200", code)
	}
}

func TestCostLimit(t *testing.T) {
	var u auth.Users
	// A well-formed hash of cost 31 (a check would take days).
	hash := "$2a$31$" + strings.Repeat("a", 53)
	err := u.ReadFile(strings.NewReader("ann:"+hash+"\n"), "users")
	if err == nil || !strings.Contains(err.Error(), "cost 31, over 15") {
		t.Errorf("cost 31: %v", err)
	}
}
