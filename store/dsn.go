package store

import (
	"errors"
	"net/url"
	"strings"
)

// What CheckURL says. None quotes the URL or any part of it: a password
// that breaks the URL's syntax would show up in whatever part the parser
// stumbled on.
var (
	errURLPasswordChars = errors.New("the user name or password holds a character that a URL reserves " +
		"(/ ? # @ % a space, or a quote); percent-encode it (%2F for /, %3F for ?, %23 for #, %40 for @, %25 for %, %20 for a space) " +
		"or use a password of letters and digits only, such as one from `openssl rand -hex 24`")
	errURLSyntax = errors.New("it does not parse as postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=...; " +
		"special characters in the password must be percent-encoded (`openssl rand -hex 24` makes a password that needs none)")
	errURLQuery = errors.New("a parameter after ? has a malformed %-escape; special characters in its values " +
		"(a password=... too) must be percent-encoded, % itself as %25")
	errKeyValue = errors.New("the key=value connection string does not parse; a value with spaces must be in " +
		"single quotes (password='...'), with ' and \\ inside written \\' and \\\\")
)

// CheckURL reports what is wrong with a PostgreSQL connection URL
// (postgres:// or postgresql://), without quoting it or any password. A
// key=value connection string is left to lib/pq. The commonest trouble is a
// password with characters a URL reserves, pasted in unescaped.
func CheckURL(dsn string) error {
	_, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return nil
	}
	// The user name and password end at the last @ (the parser's rule); if
	// what precedes it holds / ? or #, the parser ends the host there
	// instead, and the password spills into the port, path or query.
	userinfoBad := false
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		ui := rest[:at]
		if strings.ContainsAny(ui, "/?#") {
			userinfoBad = true
		} else if _, err := url.Parse("postgres://" + ui + "@h/"); err != nil {
			userinfoBad = true
		}
	}
	u, err := url.Parse(dsn)
	if err != nil {
		if userinfoBad {
			return errURLPasswordChars
		}
		return errURLSyntax
	}
	if strings.Contains(u.Path, "@") || strings.Contains(u.Fragment, "@") {
		return errURLPasswordChars
	}
	for _, pair := range strings.Split(u.RawQuery, "&") {
		if k, _, _ := strings.Cut(pair, "="); strings.Contains(k, "@") {
			return errURLPasswordChars
		}
	}
	if _, err := url.ParseQuery(u.RawQuery); err != nil {
		return errURLQuery
	}
	return nil
}

// Redact returns dsn with any password removed, safe for logs and errors:
// the URL's own and a password=... parameter, however malformed. A
// connection string that is not a URL is not shown at all.
func Redact(dsn string) string {
	if CheckURL(dsn) != nil {
		return "(database url)"
	}
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "(database url)"
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxx")
		}
	}
	pairs := strings.Split(u.RawQuery, "&")
	for i, pair := range pairs {
		k, _, _ := strings.Cut(pair, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if strings.EqualFold(strings.TrimSpace(k), "password") {
			pairs[i] = "password=xxx"
		}
	}
	u.RawQuery = strings.Join(pairs, "&")
	return u.String()
}
