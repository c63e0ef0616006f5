package upload

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	tus "github.com/tus/tusd/v2/pkg/handler"

	"github.com/simplehttp/simplehttp/internal/answer"
	"github.com/simplehttp/simplehttp/upload/parts"
)

// tusStore is tusd's data store: the unfinished uploads live in a
// parts.Store, outside the served tree, and a complete one takes its name
// in its folder by one link (or rename) through the served root.
type tusStore struct {
	h     *Handler
	parts *parts.Store
}

var (
	_ tus.DataStore           = tusStore{}
	_ tus.TerminaterDataStore = tusStore{}
)

// NewUpload creates the upload that admit let in.
func (s tusStore) NewUpload(ctx context.Context, info tus.FileInfo) (tus.Upload, error) {
	ex := exchangeOf(ctx)
	u, err := s.parts.Create(parts.Target{
		Dir: info.Storage["dir"], Name: info.Storage["name"], Size: info.Size, Meta: info.MetaData,
	})
	if err != nil {
		return nil, s.h.tusError(err)
	}
	ex.location = ex.locationOf(u.Name, u.ID)
	ex.expires = u.Expires
	return &tusUpload{s: s, u: u}, nil
}

// GetUpload finds upload id, which must be the one the request's URL
// names the target of: another folder or name is no such upload.
func (s tusStore) GetUpload(ctx context.Context, id string) (tus.Upload, error) {
	u, err := s.parts.Get(id)
	if err != nil {
		return nil, s.h.tusError(err)
	}
	ex := exchangeOf(ctx)
	if u.Dir != ex.dir || u.Name != ex.name {
		return nil, s.h.tusError(parts.ErrNotFound)
	}
	if !u.Done {
		ex.expires = u.Expires
	}
	return &tusUpload{s: s, u: u}, nil
}

// AsTerminatableUpload lets tusd end an upload (DELETE).
func (s tusStore) AsTerminatableUpload(u tus.Upload) tus.TerminatableUpload {
	return u.(*tusUpload)
}

// tusUpload is one upload, as tusd handles it.
type tusUpload struct {
	s tusStore
	u parts.Upload
}

// GetInfo reports the upload's length, offset and metadata.
func (t *tusUpload) GetInfo(context.Context) (tus.FileInfo, error) {
	return tus.FileInfo{
		ID: t.u.ID, Size: t.u.Size, Offset: t.u.Offset, MetaData: t.u.Meta,
		Storage: map[string]string{"dir": t.u.Dir, "name": t.u.Name},
	}, nil
}

// WriteChunk appends a chunk, verified first when the request carried
// its checksum. A full disk gives the whole upload up (507), so that it
// frees what it took.
func (t *tusUpload) WriteChunk(ctx context.Context, offset int64, src io.Reader) (int64, error) {
	release := t.s.parts.Hold(t.u.ID)
	defer release()
	ex := exchangeOf(ctx)
	n, err := t.s.parts.Append(t.u.ID, offset, src, ex.sum)
	t.u.Offset = offset + n
	if n > 0 {
		if u, gerr := t.s.parts.Get(t.u.ID); gerr == nil {
			ex.expires = u.Expires
		}
	}
	if err != nil && statusOf(err) == http.StatusInsufficientStorage {
		if rerr := t.s.parts.Remove(t.u.ID); rerr != nil {
			t.s.h.log.Error("upload: removing an upload the full disk ended", "err", rerr)
		}
		ex.expires = time.Time{}
	}
	if err != nil {
		return n, t.s.h.tusError(err)
	}
	return n, nil
}

// GetReader is not offered: an unfinished upload is never read back.
func (t *tusUpload) GetReader(context.Context) (io.ReadCloser, error) {
	return nil, tus.ErrNotImplemented
}

// FinishUpload gives the complete upload its name, or refuses it (and
// gives it up) when the name was taken meanwhile or the folder is gone.
func (t *tusUpload) FinishUpload(ctx context.Context) error {
	release := t.s.parts.Hold(t.u.ID)
	defer release()
	exchangeOf(ctx).expires = time.Time{}
	err := t.s.h.place(t.s.parts, t.u)
	if err != nil {
		if rerr := t.s.parts.Remove(t.u.ID); rerr != nil {
			t.s.h.log.Error("upload: removing a refused upload", "err", rerr)
		}
		return t.s.h.tusError(err)
	}
	t.u.Done = true
	return nil
}

// Terminate removes the upload: its bytes, unfinished, or the record of a
// finished one (never the file it made).
func (t *tusUpload) Terminate(context.Context) error {
	if err := t.s.parts.Remove(t.u.ID); err != nil {
		return t.s.h.tusError(err)
	}
	return nil
}

// place moves the complete upload u into its folder under its name,
// keeping the rules of every upload: the folder must still be one the
// client may write into, and the name free (unless overwriting). The link
// or rename is atomic, so the file appears whole or not at all; when the
// parts are on another file system, the bytes are copied through a
// temporary file in the folder, as any upload's are.
func (h *Handler) place(store *parts.Store, u parts.Upload) error {
	if err := h.checkFolder(u.Dir); err != nil {
		return err
	}
	if err := h.checkNew(u.Dir, u.Name); err != nil {
		return appeared(err, u.Name)
	}
	dir, err := h.root.Open(u.Dir)
	if err != nil {
		return err
	}
	err = store.Place(u.ID, dir, u.Name, h.overwrite)
	dir.Close()
	if errors.Is(err, parts.ErrCrossDevice) {
		err = h.copyPart(store, u)
	}
	if err != nil {
		return appeared(err, u.Name)
	}
	h.syncDir(u.Dir)
	return store.Finished(u.ID)
}

// copyPart stores the bytes of u in its folder as any upload is stored.
func (h *Handler) copyPart(store *parts.Store, u parts.Upload) error {
	f, err := store.OpenPart(u.ID)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = h.store(u.Dir, u.Name, f, u.Size)
	return err
}

// appeared explains a name taken while its upload ran.
func appeared(err error, name string) error {
	if statusOf(err) == http.StatusConflict {
		return answer.Refuse(http.StatusConflict, "%q appeared while it was uploaded, and this server does not replace files", name)
	}
	return err
}
