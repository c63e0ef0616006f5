package preview

import "net/http"

// viewCookie remembers, for the whole site, the listing view ("grid" or
// "list") a browser last chose with the listing's toggle (?view=grid or
// ?view=list on a folder). A folder asked for without a view is then
// shown in that one. Scripts and mirroring clients, which keep no such
// cookie, always get the list: the page they have always had.
const viewCookie = "simplehttp-view"

// rememberFor is how long the choice is kept.
const rememberFor = 400 * 24 * 60 * 60 // the most browsers keep a cookie

// withRememberedView returns r, a request for a folder, with the view
// the browser last chose when r names none, and remembers the one r
// names. An answer chosen by the cookie says so (Vary: Cookie), and is
// never a 304: the page cached may be of the other view.
func withRememberedView(w http.ResponseWriter, r *http.Request) *http.Request {
	if r.URL.RawQuery != "" {
		if v := r.URL.Query().Get("view"); v == "grid" || v == "list" {
			http.SetCookie(w, &http.Cookie{
				Name: viewCookie, Value: v, Path: "/", MaxAge: rememberFor,
				HttpOnly: true, SameSite: http.SameSiteLaxMode,
			})
			return r
		}
	}
	c, err := r.Cookie(viewCookie)
	if err != nil || (c.Value != "grid" && c.Value != "list") {
		return r
	}
	w.Header().Add("Vary", "Cookie")
	r2 := new(http.Request)
	*r2 = *r
	r2.Header = r.Header.Clone()
	r2.Header.Del("If-Modified-Since")
	r2.Header.Del("If-None-Match")
	u := *r.URL
	q := u.Query()
	q.Set("view", c.Value)
	u.RawQuery = q.Encode()
	r2.URL = &u
	return r2
}
