package preview

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"regexp"
	"strings"
	"sync"

	"github.com/simplehttp/simplehttp/public"
)

// icons are the listing's icons as standalone SVG images, by name
// ("image", "text", …): what ?thumb answers for a file it cannot make a
// thumbnail of. Each is the sprite public/icons.svg framed on one icon,
// drawn in a grey that shows on light and dark pages. iconTag is the
// entity tag of every icon, a hash of the sprite. They are made when first
// asked for: a server that never answers an icon holds none.
var icons = sync.OnceValues(loadIcons)

func loadIcons() (map[string][]byte, string) {
	// spriteView matches one <view> of the sprite: its id and viewBox.
	spriteView := regexp.MustCompile(`<view id="([a-z]+)" viewBox="([0-9 ]+)"/>`)
	sprite, err := fs.ReadFile(public.FS, "icons.svg")
	if err != nil {
		panic("preview: reading the embedded icons.svg: " + err.Error())
	}
	sum := sha256.Sum256(sprite)
	s := string(sprite)
	const root = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"`
	if !strings.HasPrefix(s, root) {
		panic("preview: icons.svg does not begin with " + root)
	}
	m := map[string][]byte{}
	for _, v := range spriteView.FindAllStringSubmatch(s, -1) {
		framed := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="` + v[2] + `" width="96" height="96" color="#8794a6"`
		m[v[1]] = []byte(framed + s[len(root):])
	}
	return m, `"icon-` + hex.EncodeToString(sum[:6]) + `"`
}

// icon is the SVG of the icon named name, or of "file" when there is no
// such icon.
func icon(name string) []byte {
	m, _ := icons()
	if b, ok := m[name]; ok {
		return b
	}
	return m["file"]
}
