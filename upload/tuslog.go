package upload

import (
	"context"
	"log/slog"

	xslog "golang.org/x/exp/slog"
)

// newTusLogger passes tusd's errors to log, and nothing else: tusd logs
// every request and every chunk at the info level, which the access log
// says already. (tusd logs through golang.org/x/exp/slog, whose types are
// not log/slog's.)
func newTusLogger(log *slog.Logger) *xslog.Logger {
	return xslog.New(tusLogHandler{log: log})
}

// tusLogHandler is an x/exp/slog handler that hands errors to a log/slog
// logger.
type tusLogHandler struct {
	log   *slog.Logger
	attrs []any
}

func (h tusLogHandler) Enabled(_ context.Context, level xslog.Level) bool {
	return level >= xslog.LevelError
}

func (h tusLogHandler) Handle(ctx context.Context, rec xslog.Record) error {
	args := append([]any(nil), h.attrs...)
	rec.Attrs(func(a xslog.Attr) bool {
		args = append(args, a.Key, a.Value.String())
		return true
	})
	h.log.ErrorContext(ctx, "upload: tusd: "+rec.Message, args...)
	return nil
}

func (h tusLogHandler) WithAttrs(attrs []xslog.Attr) xslog.Handler {
	next := tusLogHandler{log: h.log, attrs: append([]any(nil), h.attrs...)}
	for _, a := range attrs {
		next.attrs = append(next.attrs, a.Key, a.Value.String())
	}
	return next
}

func (h tusLogHandler) WithGroup(string) xslog.Handler { return h }
