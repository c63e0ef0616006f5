package dav

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/webdav"
)

// Dead properties are the ones clients set with PROPPATCH (Finder's,
// Office's, litmus's): the server keeps them and gives them back. They
// live in an extended attribute of the file itself, xattrName, so that
// they follow it through a rename or a move, go with it when it is
// deleted, and never appear as a file in the served tree (Apache keeps
// them in a .DAV folder beside the files). Where the file system has no
// user extended attributes (FAT, some network and FUSE file systems), they
// are kept in memory instead, for as long as the server runs, as locks
// are.
const xattrName = "user.simplehttp.davprops"

// Bounds: the properties of one resource, encoded, and all those held in
// memory together. A PROPPATCH beyond them answers 507.
const (
	maxPropsBytes  = 64 << 10 // the largest extended attribute Linux takes
	maxMemoryBytes = 4 << 20
)

var errPropsFull = errors.New("dav: no room for more properties")

// storedProp is a dead property as it is stored.
type storedProp struct {
	Space string `json:"ns"`
	Local string `json:"name"`
	Lang  string `json:"lang,omitempty"`
	XML   string `json:"xml"`
}

// xattrs reads and writes one extended attribute of the file at a name
// in the root. Its errors are those of the system calls: ENODATA for an
// attribute the file does not have, ENOTSUP where the file system keeps
// none.
type xattrs interface {
	get(root *os.Root, name string) ([]byte, error)
	// getAt reads the attribute of the entry name of the open folder
	// dir, not following it if it is a link (ELOOP), in *buf when it
	// fits (the value is valid until the next call).
	getAt(dir *os.File, name string, buf *[]byte) ([]byte, error)
	set(root *os.Root, name string, value []byte) error
	remove(root *os.Root, name string) error
}

// propStore keeps the dead properties of the files under one root. It is
// safe for concurrent use.
type propStore struct {
	root  *os.Root
	attrs xattrs
	now   func() time.Time
	bare  bareFolders
	mu    sync.Mutex
	mem   map[string][]byte // encoded properties by name, where attrs cannot hold them
	used  int               // bytes in mem
}

func newPropStore(root *os.Root, attrs xattrs, now func() time.Time) *propStore {
	return &propStore{root: root, attrs: attrs, now: now, mem: map[string][]byte{}}
}

// get returns the dead properties of the file name (root-relative).
func (s *propStore) get(name string) (map[xml.Name]webdav.Property, error) {
	b, err := s.attrs.get(s.root, name)
	return s.decode(name, b, err)
}

// decode returns the properties of name from b, the value of its
// extended attribute, read with err: none when the server may not read
// it, those kept in memory when the file has no attribute.
func (s *propStore) decode(name string, b []byte, err error) (map[xml.Name]webdav.Property, error) {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return nil, nil
	case noAttr(err):
		b = s.memGet(name)
	case err != nil:
		return nil, err
	}
	return decodeProps(b)
}

// folderProps reads the dead properties of the entries of one folder by
// their names in it, through a descriptor of the folder, rather than
// each from the root again; none at all in a folder known to hold none
// (see bareFolders).
type folderProps struct {
	store *propStore
	dir   string   // root-relative
	f     *os.File // nil when the folder could not be opened: each entry is read from the root
	buf   []byte   // scratch for the values read
	state folderState
	known bool   // state is known
	gen   uint64 // the store's generation of changes when the read began
	bare  bool   // the folder is known to hold none
	found bool   // an entry had some, or could not be read
}

// folder returns the reader of the properties of the entries of the
// folder dir. Close it after use.
func (s *propStore) folder(dir string) *folderProps {
	fp := &folderProps{store: s, dir: dir, gen: s.bare.generation()}
	f, err := s.root.Open(dir)
	if err != nil {
		return fp
	}
	fp.f = f
	if fp.state, fp.known = stateOf(f); fp.known {
		fp.bare = s.bare.has(fp.state)
	}
	return fp
}

// get returns the dead properties of the entry name. Those of a link
// are those of where it leads, read through the root.
func (fp *folderProps) get(name string, link bool) (map[xml.Name]webdav.Property, error) {
	if fp.bare {
		return nil, nil
	}
	props, err := fp.read(name, link)
	if err != nil || len(props) > 0 {
		fp.found = true
	}
	return props, err
}

func (fp *folderProps) read(name string, link bool) (map[xml.Name]webdav.Property, error) {
	rel := path.Join(fp.dir, name)
	if link || fp.f == nil {
		return fp.store.get(rel)
	}
	b, err := fp.store.attrs.getAt(fp.f, name, &fp.buf)
	if errors.Is(err, syscall.ELOOP) {
		return fp.store.get(rel) // it became a link since it was listed
	}
	return fp.store.decode(rel, b, err)
}

// close ends the reads. When they covered every entry (whole) and found
// no property, the folder is remembered as holding none.
func (fp *folderProps) close(whole bool) {
	if whole && fp.known && !fp.bare && !fp.found {
		fp.store.bare.add(fp.state, fp.gen, fp.store.now())
	}
	if fp.f != nil {
		fp.f.Close()
	}
}

// patch applies patches to the dead properties of name, all or none.
func (s *propStore) patch(name string, patches []webdav.Proppatch) ([]webdav.Propstat, error) {
	props, err := s.get(name)
	if err != nil {
		return nil, err
	}
	if props == nil {
		props = map[xml.Name]webdav.Property{}
	}
	var names []webdav.Property
	for _, p := range patches {
		for _, prop := range p.Props {
			names = append(names, webdav.Property{XMLName: prop.XMLName})
			if p.Remove {
				delete(props, prop.XMLName)
			} else {
				props[prop.XMLName] = prop
			}
		}
	}
	status := http.StatusOK
	if err := s.put(name, props); errors.Is(err, errPropsFull) {
		status = http.StatusInsufficientStorage
	} else if err != nil {
		return nil, err
	}
	return []webdav.Propstat{{Props: names, Status: status}}, nil
}

// put stores props as the whole of name's dead properties.
func (s *propStore) put(name string, props map[xml.Name]webdav.Property) error {
	defer s.bare.changed() // after the change, so no read that missed it counts
	b, err := encodeProps(props)
	if err != nil {
		return err
	}
	if len(b) > maxPropsBytes {
		return errPropsFull
	}
	if len(props) == 0 {
		err = s.attrs.remove(s.root, name)
		if noAttr(err) {
			err = nil
		}
		s.memPut(name, nil)
		return err
	}
	err = s.attrs.set(s.root, name, b)
	switch {
	case errors.Is(err, syscall.ENOTSUP):
		return s.memPut(name, b)
	case errors.Is(err, syscall.E2BIG), errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.ERANGE):
		return errPropsFull
	}
	return err
}

// copyTo gives dst (a new file, a copy of src) the dead properties of src.
func (s *propStore) copyTo(src, dst string) error {
	props, err := s.get(src)
	if err != nil || len(props) == 0 {
		return err
	}
	return s.put(dst, props)
}

// memGet returns the encoded properties kept in memory for name.
func (s *propStore) memGet(name string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mem[name]
}

// memPut keeps b as name's properties in memory (nil: none).
func (s *propStore) memPut(name string, b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := len(s.mem[name])
	if s.used-old+len(b) > maxMemoryBytes {
		return errPropsFull
	}
	s.used += len(b) - old
	if b == nil {
		delete(s.mem, name)
	} else {
		s.mem[name] = b
	}
	return nil
}

// moved follows a rename of the tree from to to in memory (extended
// attributes follow it on their own).
func (s *propStore) moved(from, to string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, b := range s.mem {
		if rest, ok := treeRest(name, from); ok {
			delete(s.mem, name)
			s.mem[to+rest] = b
		}
	}
}

// deleted forgets the properties in memory of the tree name.
func (s *propStore) deleted(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for n, b := range s.mem {
		if _, ok := treeRest(n, name); ok {
			delete(s.mem, n)
			s.used -= len(b)
		}
	}
}

// treeRest reports whether name is tree or inside it, and what follows
// tree in it ("" or "/…"). Names are root-relative; "." is the root.
func treeRest(name, tree string) (string, bool) {
	if tree == "." {
		return "/" + name, name != "."
	}
	if name == tree {
		return "", true
	}
	rest, ok := strings.CutPrefix(name, tree)
	return rest, ok && rest[0] == '/'
}

// noAttr reports whether err means that there is no attribute to read or
// remove, or no extended attributes at all.
func noAttr(err error) bool {
	return errors.Is(err, errNoAttr) || errors.Is(err, syscall.ENOTSUP)
}

func encodeProps(props map[xml.Name]webdav.Property) ([]byte, error) {
	if len(props) == 0 {
		return nil, nil
	}
	list := make([]storedProp, 0, len(props))
	for _, p := range props {
		list = append(list, storedProp{Space: p.XMLName.Space, Local: p.XMLName.Local, Lang: p.Lang, XML: string(p.InnerXML)})
	}
	return json.Marshal(list)
}

func decodeProps(b []byte) (map[xml.Name]webdav.Property, error) { //nolint:unparam // the error is the get path's
	if len(b) == 0 {
		return nil, nil
	}
	var list []storedProp
	if json.Unmarshal(b, &list) != nil {
		return nil, nil // not ours, or damaged: no properties
	}
	props := make(map[xml.Name]webdav.Property, len(list))
	for _, p := range list {
		n := xml.Name{Space: p.Space, Local: p.Local}
		props[n] = webdav.Property{XMLName: n, Lang: p.Lang, InnerXML: []byte(p.XML)}
	}
	return props, nil
}
