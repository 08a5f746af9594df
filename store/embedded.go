package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lib/pq"
)

// The private cluster's fixed names. The port only names the socket file
// (the server listens on no TCP address), so clashes with a system server on
// 5432 are impossible.
const (
	embeddedPort = 5432
	embeddedUser = "servicebot"
	embeddedDB   = "servicebot"

	embeddedStartTimeout = 30 * time.Second
	embeddedInitTimeout  = 2 * time.Minute
	embeddedLogMax       = 10 << 20 // rotate the server log at start past this size
)

// FindPostgres returns the directory holding initdb and pg_ctl: PATH first,
// then the usual Debian (/usr/lib/postgresql/*/bin, newest version first),
// Homebrew and /usr/pgsql-*/bin places. If there is none, the error says how
// to install them or to set DATABASE_URL.
func FindPostgres() (binDir string, err error) {
	dirs := postgresCandidates()
	if len(dirs) == 0 {
		return "", errors.New("store: PostgreSQL server programs (initdb, pg_ctl) not found in PATH, " +
			"/usr/lib/postgresql/*/bin, Homebrew or /usr/pgsql-*/bin; install them " +
			"(Debian/Ubuntu: `sudo apt-get install postgresql`; macOS: `brew install postgresql@16`) " +
			"or set DATABASE_URL to use an existing PostgreSQL server")
	}
	return dirs[0], nil
}

// postgresCandidates lists every directory holding initdb and pg_ctl, in
// FindPostgres's order of preference.
func postgresCandidates() []string {
	var out []string
	seen := map[string]bool{}
	add := func(dir string) {
		dir = filepath.Clean(dir)
		if seen[dir] {
			return
		}
		seen[dir] = true
		if isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "pg_ctl")) {
			out = append(out, dir)
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if abs, err := filepath.Abs(p); err == nil {
			add(filepath.Dir(abs))
		}
	}
	for _, d := range globNewestFirst("/usr/lib/postgresql/*/bin") {
		add(d)
	}
	for _, d := range globNewestFirst("/opt/homebrew/opt/postgresql@*/bin") {
		add(d)
	}
	for _, d := range globNewestFirst("/usr/local/opt/postgresql@*/bin") {
		add(d)
	}
	add("/opt/homebrew/bin")
	add("/usr/local/bin")
	for _, d := range globNewestFirst("/usr/pgsql-*/bin") {
		add(d)
	}
	return out
}

// globNewestFirst expands pattern, whose bin directories sit under a
// versioned parent ("15", "postgresql@16", "pgsql-16"), newest version first.
func globNewestFirst(pattern string) []string {
	matches, _ := filepath.Glob(pattern)
	version := func(dir string) []int {
		name := filepath.Base(filepath.Dir(dir))
		i := strings.IndexFunc(name, func(r rune) bool { return r >= '0' && r <= '9' })
		if i < 0 {
			return nil
		}
		var v []int
		for _, part := range strings.Split(name[i:], ".") {
			n, err := strconv.Atoi(part)
			if err != nil {
				break
			}
			v = append(v, n)
		}
		return v
	}
	slices.SortStableFunc(matches, func(a, b string) int { return slices.Compare(version(b), version(a)) })
	return matches
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// majorVersion turns "15.8" or "15" into "15" and "9.6.24" into "9.6", the
// form a cluster's PG_VERSION file uses.
func majorVersion(v string) string {
	parts := strings.Split(v, ".")
	if n, err := strconv.Atoi(parts[0]); err == nil && n < 10 && len(parts) > 1 {
		return parts[0] + "." + parts[1]
	}
	return parts[0]
}

// findPostgresFor prefers the binaries of the major version an existing
// cluster was made with (its PG_VERSION), falling back to FindPostgres.
func findPostgresFor(ctx context.Context, want string) (string, error) {
	dirs := postgresCandidates()
	if want != "" {
		for _, d := range dirs {
			out, err := exec.CommandContext(ctx, filepath.Join(d, "pg_ctl"), "--version").Output()
			if err != nil {
				continue
			}
			// "pg_ctl (PostgreSQL) 15.8 (Debian 15.8-0+deb12u1)"
			f := strings.Fields(string(out))
			if len(f) >= 3 && majorVersion(f[2]) == want {
				return d, nil
			}
		}
	}
	return FindPostgres()
}

// Embedded is a private PostgreSQL cluster that servicebot runs itself,
// listening only on a Unix socket. See StartEmbedded.
type Embedded struct {
	binDir  string
	pgdata  string // the cluster's data directory
	logFile string
	sockDir string
	tmpSock bool // sockDir is a short directory under os.TempDir()
	port    int
	cred    *syscall.Credential // set when running as root
	// password is the servicebot role's, kept in dataDir/pg-password
	// (0600, the bot's own): the socket alone lets nobody in.
	password string
	log      *slog.Logger
	// users is dataDir/pg-users.lock, open with a shared flock while this
	// process uses the server: every servicebot process on the data
	// directory holds one, so Stop can tell whether it is the last.
	users *os.File
}

// StartEmbedded initialises (the first time) and starts a PostgreSQL cluster
// in dataDir/pg that listens only on a Unix socket in dataDir/pg-socket (or,
// when that path is too long for a socket, in a short directory under
// os.TempDir()), creates the database "servicebot" if missing, and returns
// once the server accepts connections.
//
// Run as root, the server programs run as the "postgres" system user (else
// "nobody"); StartEmbedded then chowns the cluster and socket directories to
// that user and adds search (x) permission to those of dataDir and its
// parents that are owned by root and would block that user.
//
// A server already running (another servicebot process on the same data
// directory, such as `servicebot run` while `servicebot migrate` starts, or
// one left by an earlier run that crashed) is reused when it answers; a
// stale postmaster.pid is left to pg_ctl start to cope with. Whichever
// process started it, the server is stopped only by the last process using
// it (see Stop). log may be nil.
func StartEmbedded(ctx context.Context, dataDir string, log *slog.Logger) (*Embedded, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("store: embedded postgres: %w", err)
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: embedded postgres: %w", err)
	}
	e := &Embedded{
		pgdata: filepath.Join(dataDir, "pg"),
		port:   embeddedPort,
		log:    log,
	}
	e.logFile = filepath.Join(e.pgdata, "server.log")

	var clusterVersion string
	if b, err := os.ReadFile(filepath.Join(e.pgdata, "PG_VERSION")); err == nil {
		clusterVersion = strings.TrimSpace(string(b))
	}
	if e.binDir, err = findPostgresFor(ctx, clusterVersion); err != nil {
		return nil, err
	}
	if err := e.chooseUser(); err != nil {
		return nil, err
	}
	if err := e.ensureTraversable(dataDir); err != nil {
		return nil, err
	}
	if err := e.prepareSocketDir(dataDir); err != nil {
		return nil, err
	}
	if e.password, err = loadOrMakePassword(filepath.Join(dataDir, "pg-password")); err != nil {
		return nil, err
	}
	// Declare ourselves a user of the server before looking at it: a Stop
	// in another process then leaves it running, and one that has already
	// begun stopping it finishes before we go on.
	if err := e.lockUsers(ctx, dataDir); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			e.unlockUsers()
		}
	}()
	if clusterVersion == "" {
		if err := e.initdb(ctx); err != nil {
			return nil, err
		}
	}

	startCtx, cancel := context.WithTimeout(ctx, embeddedStartTimeout)
	defer cancel()
	reused, err := e.reuseRunning(startCtx)
	if err != nil {
		return nil, err
	}
	if !reused {
		if err := e.start(startCtx); err != nil {
			return nil, err
		}
	}
	if err := e.requirePassword(startCtx); err != nil {
		return nil, err
	}
	if err := e.createDatabase(startCtx); err != nil {
		return nil, err
	}
	log.Info("embedded postgres ready", "data", e.pgdata, "socket", e.sockDir, "reused", reused)
	ok = true
	return e, nil
}

// lockUsers opens dataDir/pg-users.lock and takes a shared flock on it,
// waiting while a Stop in another process holds it exclusively.
func (e *Embedded) lockUsers(ctx context.Context, dataDir string) error {
	f, err := os.OpenFile(filepath.Join(dataDir, "pg-users.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: embedded postgres: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if err == nil {
			e.users = f
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return fmt.Errorf("store: embedded postgres: lock %s: %w", f.Name(), err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return fmt.Errorf("store: embedded postgres: waiting for another servicebot process to stop the server: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// unlockUsers gives up our claim on the server (closing the file drops the
// flock).
func (e *Embedded) unlockUsers() {
	if e.users != nil {
		e.users.Close()
		e.users = nil
	}
}

// lastUser reports whether no other servicebot process uses the server: it
// turns our shared flock into an exclusive one, which only succeeds when
// nobody else holds the file. Whatever the answer, our shared lock is gone
// afterwards (flock converts by dropping the old lock first).
func (e *Embedded) lastUser() bool {
	if e.users == nil {
		return false
	}
	return syscall.Flock(int(e.users.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

// URL is the connection URL of the "servicebot" database.
func (e *Embedded) URL() string { return e.urlFor(embeddedDB) }

func (e *Embedded) urlFor(db string) string {
	q := url.Values{}
	q.Set("host", e.sockDir)
	q.Set("port", strconv.Itoa(e.port))
	q.Set("sslmode", "disable")
	return (&url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(embeddedUser, e.password),
		Path:     "/" + db,
		RawQuery: q.Encode(),
	}).String()
}

// Stop lets the server go: when another servicebot process still uses it
// (a running bot, while `servicebot migrate` or `outbox` ends), it is left
// running for that process; when we are its last user, whether we started
// it or found it running, it is shut down (fast mode: open sessions are
// ended) and Stop waits for it to exit. Stopping a server that is not
// running is not an error; after the first, Stop does nothing.
func (e *Embedded) Stop(ctx context.Context) error {
	if e.users == nil {
		return nil
	}
	defer e.unlockUsers() // after the server has stopped: a start waits for that
	if !e.lastUser() {
		e.log.Info("embedded postgres left running: another servicebot process uses it", "data", e.pgdata)
		return nil
	}
	if _, err := os.Stat(filepath.Join(e.pgdata, "postmaster.pid")); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	out, err := e.command(ctx, "pg_ctl", "stop", "-D", e.pgdata, "-m", "fast", "-w", "-t", "60", "-s").CombinedOutput()
	if err != nil {
		// pg_ctl status exits 3 when no server runs.
		st := e.command(ctx, "pg_ctl", "status", "-D", e.pgdata)
		if serr := st.Run(); serr != nil && st.ProcessState != nil && st.ProcessState.ExitCode() == 3 {
			return nil
		}
		return fmt.Errorf("store: stop embedded postgres: %w: %s", err, strings.TrimSpace(string(out)))
	}
	if e.tmpSock {
		os.Remove(e.sockDir) // only if empty; the server removed its socket
	}
	e.log.Info("embedded postgres stopped", "data", e.pgdata)
	return nil
}

// chooseUser picks the account the server programs run as: ourselves, or,
// when we are root (initdb and postgres refuse to run as root), the owner of
// an existing cluster, else the postgres system user, else a system user
// servicebot-pg made for it, and only when none can be had, nobody (shared
// with other daemons: then the password is what keeps them out).
func (e *Embedded) chooseUser() error {
	if os.Geteuid() != 0 {
		return nil
	}
	if fi, err := os.Stat(e.pgdata); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
			e.cred = &syscall.Credential{Uid: st.Uid, Gid: st.Gid, Groups: []uint32{}}
			return nil
		}
	}
	for _, name := range []string{"postgres", dedicatedUser, "nobody"} {
		u, err := user.Lookup(name)
		if err != nil && name == dedicatedUser {
			if err = e.makeDedicatedUser(); err == nil {
				u, err = user.Lookup(name)
			}
		}
		if err != nil {
			continue
		}
		if name == "nobody" {
			e.log.Warn("embedded postgres runs as nobody, shared with other daemons; install PostgreSQL's postgres user or set DATABASE_URL")
		}
		uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
		gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
		if err1 != nil || err2 != nil || uid == 0 {
			continue
		}
		e.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
		e.log.Debug("embedded postgres runs as unprivileged user", "user", name)
		return nil
	}
	return errors.New("store: embedded postgres: running as root and neither a \"postgres\" nor a \"nobody\" user exists " +
		"to run the server as (PostgreSQL refuses to run as root); create one or set DATABASE_URL")
}

// dedicatedUser is the system user made for the server when the machine
// has no postgres user.
const dedicatedUser = "servicebot-pg"

// makeDedicatedUser creates dedicatedUser with useradd: no home, no shell,
// no password.
func (e *Embedded) makeDedicatedUser() error {
	useradd, err := exec.LookPath("useradd")
	if err != nil {
		return err
	}
	out, err := exec.Command(useradd, "--system", "--user-group", "--no-create-home",
		"--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", dedicatedUser).CombinedOutput()
	if err != nil {
		return fmt.Errorf("useradd %s: %v: %s", dedicatedUser, err, strings.TrimSpace(string(out)))
	}
	e.log.Info("embedded postgres: created a system user to run the server as", "user", dedicatedUser)
	return nil
}

// loadOrMakePassword reads the servicebot role's password from path, or
// makes a random one and keeps it there, readable by us alone.
func loadOrMakePassword(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 16 {
		if err := os.Chmod(path, 0o600); err != nil {
			return "", fmt.Errorf("store: embedded postgres: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("store: embedded postgres: %w", err)
	}
	pw := base64.RawURLEncoding.EncodeToString(b)
	if err := os.WriteFile(path, []byte(pw+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("store: embedded postgres: %w", err)
	}
	return pw, nil
}

// requirePassword makes a cluster made with trust authentication (by an
// older servicebot) ask for the password: it sets the role's password and
// rewrites pg_hba.conf's trust lines to scram-sha-256, then reloads.
func (e *Embedded) requirePassword(ctx context.Context) error {
	hba := filepath.Join(e.pgdata, "pg_hba.conf")
	raw, err := os.ReadFile(hba)
	if err != nil {
		return fmt.Errorf("store: embedded postgres: %w", err)
	}
	var lines []string
	changed := false
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && !strings.HasPrefix(f[0], "#") && f[len(f)-1] == "trust" {
			line = strings.TrimSuffix(strings.TrimRight(line, " \t"), "trust") + "scram-sha-256"
			changed = true
		}
		lines = append(lines, line)
	}
	if !changed {
		return nil
	}
	db, err := sql.Open("postgres", e.urlFor("postgres"))
	if err != nil {
		return fmt.Errorf("store: embedded postgres: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "ALTER ROLE "+pq.QuoteIdentifier(embeddedUser)+" PASSWORD "+pq.QuoteLiteral(e.password)); err != nil {
		return fmt.Errorf("store: embedded postgres: set the password: %w", err)
	}
	if err := os.WriteFile(hba, []byte(strings.Join(lines, "\n")), 0o600); err != nil {
		return fmt.Errorf("store: embedded postgres: %w", err)
	}
	if _, err := db.ExecContext(ctx, "SELECT pg_reload_conf()"); err != nil {
		return fmt.Errorf("store: embedded postgres: reload: %w", err)
	}
	e.log.Info("embedded postgres: password authentication required from now on (was trust)")
	return nil
}

// chown gives path to the server's user when we run as root.
func (e *Embedded) chown(path string) error {
	if e.cred == nil {
		return nil
	}
	if err := os.Chown(path, int(e.cred.Uid), int(e.cred.Gid)); err != nil {
		return fmt.Errorf("store: embedded postgres: %w", err)
	}
	return nil
}

// ensureTraversable makes sure the server's user can reach dir: each of dir
// and its parents must grant it search permission. Directories we own get the
// missing bit added; others make an error.
func (e *Embedded) ensureTraversable(dir string) error {
	if e.cred == nil {
		return nil
	}
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("store: embedded postgres: %w", err)
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		mode := fi.Mode().Perm()
		var need os.FileMode
		switch {
		case st.Uid == e.cred.Uid:
			need = 0o100
		case st.Gid == e.cred.Gid:
			need = 0o010
		default:
			need = 0o001
		}
		if mode&need == 0 {
			if int(st.Uid) != os.Geteuid() {
				return fmt.Errorf("store: embedded postgres: uid %d cannot enter %s (mode %#o); make it searchable or choose another data directory",
					e.cred.Uid, d, mode)
			}
			keep := fi.Mode() & (os.ModePerm | os.ModeSticky | os.ModeSetgid | os.ModeSetuid)
			if err := os.Chmod(d, keep|need); err != nil {
				return fmt.Errorf("store: embedded postgres: %w", err)
			}
			e.log.Warn("embedded postgres: added search permission so the server's user can reach its data",
				"dir", d, "mode", fmt.Sprintf("%#o", mode|need))
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// maxSocketPath is the longest Unix socket path the system takes
// (sizeof(sun_path) less the terminating NUL).
func maxSocketPath() int {
	switch runtime.GOOS {
	case "linux":
		return 107
	default: // the BSDs and macOS
		return 103
	}
}

func socketFile(dir string, port int) string {
	return filepath.Join(dir, fmt.Sprintf(".s.PGSQL.%d", port))
}

// prepareSocketDir creates the socket directory: dataDir/pg-socket, or when
// that is too long, a directory under os.TempDir() (or /tmp) named by a hash
// of dataDir so that every start of the same cluster uses the same one.
func (e *Embedded) prepareSocketDir(dataDir string) error {
	dir := filepath.Join(dataDir, "pg-socket")
	if len(socketFile(dir, e.port)) <= maxSocketPath() {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("store: embedded postgres: %w", err)
		}
		e.sockDir = dir
		return e.chown(dir)
	}
	sum := sha256.Sum256([]byte(dataDir))
	name := "servicebot-pg-" + hex.EncodeToString(sum[:])[:12]
	dir = filepath.Join(os.TempDir(), name)
	if len(socketFile(dir, e.port)) > maxSocketPath() {
		dir = filepath.Join("/tmp", name)
	}
	// The temp directory is shared with other users: refuse a directory
	// someone else prepared (or a symlink) rather than trust it.
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("store: embedded postgres: socket directory: %w", err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("store: embedded postgres: socket directory: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	owner := uint32(os.Geteuid())
	if e.cred != nil && ok && st.Uid == e.cred.Uid {
		owner = e.cred.Uid
	}
	if !fi.IsDir() || (ok && st.Uid != owner) {
		return fmt.Errorf("store: embedded postgres: socket directory %s is not a directory of ours; remove it", dir)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("store: embedded postgres: %w", err)
	}
	e.sockDir, e.tmpSock = dir, true
	return e.chown(dir)
}

// command prepares one of the server programs: run as the server's user,
// from "/", in its own process group (so a Ctrl-C meant for servicebot does
// not also shut down the database under it), with a clean environment.
func (e *Embedded) command(ctx context.Context, prog string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, filepath.Join(e.binDir, prog), args...)
	cmd.Dir = "/"
	env := []string{"PATH=" + e.binDir + string(os.PathListSeparator) + "/usr/bin:/bin", "LC_ALL=C"}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "PATH" || k == "LANG" || k == "LANGUAGE" || strings.HasPrefix(k, "LC_") || strings.HasPrefix(k, "PG") {
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: e.cred}
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// initdb creates the cluster in a scratch directory and renames it into
// place, so an interrupted initdb never leaves a half-made cluster behind.
func (e *Embedded) initdb(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, embeddedInitTimeout)
	defer cancel()
	tmp := e.pgdata + ".initdb"
	run := func(locale string) (string, error) {
		if err := os.RemoveAll(tmp); err != nil {
			return "", err
		}
		if err := os.Mkdir(tmp, 0o700); err != nil {
			return "", err
		}
		if err := e.chown(tmp); err != nil {
			return "", err
		}
		// initdb reads the password from a file of the server's user,
		// removed at once.
		pwFile := e.pgdata + ".pw"
		if err := os.WriteFile(pwFile, []byte(e.password+"\n"), 0o600); err != nil {
			return "", err
		}
		defer os.Remove(pwFile)
		if err := e.chown(pwFile); err != nil {
			return "", err
		}
		out, err := e.command(ctx, "initdb", "-D", tmp, "--auth=scram-sha-256", "--pwfile="+pwFile, "--username="+embeddedUser,
			"--encoding=UTF8", locale).CombinedOutput()
		return string(out), err
	}
	e.log.Info("embedded postgres: creating cluster", "data", e.pgdata, "bin", e.binDir)
	out, err := run("--locale=C.UTF-8")
	if err != nil {
		out2, err2 := run("--no-locale")
		if err2 != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("store: embedded postgres: initdb failed: %w\n%s\n(with --locale=C.UTF-8: %v\n%s)",
				err2, tail(out2, 20), err, tail(out, 20))
		}
		e.log.Info("embedded postgres: locale C.UTF-8 unavailable, cluster created with --no-locale")
	}
	if err := os.Rename(tmp, e.pgdata); err != nil {
		return fmt.Errorf("store: embedded postgres: %w", err)
	}
	return nil
}

// reuseRunning looks at a postmaster.pid left in the cluster. It reports true
// when the server it names runs and answers (and then talks to it where that
// server listens). A pid file whose process is gone is left for pg_ctl start;
// one whose pid now belongs to some other program is removed.
func (e *Embedded) reuseRunning(ctx context.Context) (bool, error) {
	pidFile := filepath.Join(e.pgdata, "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("store: embedded postgres: %w", err)
	}
	// Lines: pid, data dir, start time, port, socket dir, listen address,
	// shared memory key, status.
	lines := strings.Split(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || pid <= 0 || !processAlive(pid) {
		e.log.Info("embedded postgres: stale postmaster.pid from an earlier run", "pid", lines[0])
		return false, nil
	}
	if !e.mayBeOurServer(pid) {
		e.log.Warn("embedded postgres: postmaster.pid names a process that is not this cluster's server; removing it", "pid", pid)
		if err := os.Remove(pidFile); err != nil {
			return false, fmt.Errorf("store: embedded postgres: %w", err)
		}
		return false, nil
	}
	sock, port := e.sockDir, e.port
	if len(lines) > 4 && strings.TrimSpace(lines[4]) != "" {
		sock = strings.TrimSpace(lines[4])
	}
	if len(lines) > 3 {
		if p, err := strconv.Atoi(strings.TrimSpace(lines[3])); err == nil {
			port = p
		}
	}
	e.log.Info("embedded postgres: a server from an earlier run holds the data directory; waiting for it to answer", "pid", pid)
	probe := &Embedded{sockDir: sock, port: port, password: e.password}
	for {
		if err := ping(ctx, probe.urlFor("postgres")); err == nil {
			e.tmpSock = e.tmpSock && sock == e.sockDir
			e.sockDir, e.port = sock, port
			return true, nil
		}
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("store: embedded postgres: the server (pid %d) left running in %s does not answer on %s; stop it (kill %d) and retry\n%s",
				pid, e.pgdata, socketFile(sock, port), pid, e.logTail())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// mayBeOurServer reports whether pid may be the server of this cluster: a
// postmaster runs in its data directory. Where /proc does not tell, it says
// yes, so that a live server is never taken for a stale one.
func (e *Embedded) mayBeOurServer(pid int) bool {
	proc := fmt.Sprintf("/proc/%d", pid)
	if _, err := os.Stat(proc); err != nil {
		return true // no /proc here, or the process just ended
	}
	b, err := os.ReadFile(proc + "/cmdline")
	if err == nil && !strings.Contains(string(b), "postgres") {
		return false
	}
	cwd, err1 := os.Stat(proc + "/cwd")
	data, err2 := os.Stat(e.pgdata)
	if err1 != nil || err2 != nil {
		return true
	}
	return os.SameFile(cwd, data)
}

// start runs pg_ctl start and waits until the server is ready. A server that
// was killed can leave processes attached to its shared memory for a moment;
// the start is retried while that is the reason it fails.
func (e *Embedded) start(ctx context.Context) error {
	if fi, err := os.Stat(e.logFile); err == nil && fi.Size() > embeddedLogMax {
		os.Rename(e.logFile, e.logFile+".1")
	}
	opts := fmt.Sprintf("-c listen_addresses='' -k %s -p %d", shellQuote(e.sockDir), e.port)
	timeout := embeddedStartTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = time.Until(dl)
	}
	for {
		secs := max(1, int(timeout.Seconds()))
		out, err := e.command(ctx, "pg_ctl", "start", "-D", e.pgdata, "-l", e.logFile, "-w",
			"-t", strconv.Itoa(secs), "-s", "-o", opts).CombinedOutput()
		if err == nil {
			return nil
		}
		logTail := e.logTail()
		if ctx.Err() == nil && strings.Contains(logTail, "pre-existing shared memory block") {
			select {
			case <-ctx.Done():
			case <-time.After(500 * time.Millisecond):
				if dl, ok := ctx.Deadline(); ok {
					timeout = time.Until(dl)
				}
				continue
			}
		}
		return fmt.Errorf("store: embedded postgres did not start within %v: %v: %s\n%s",
			embeddedStartTimeout, err, strings.TrimSpace(string(out)), logTail)
	}
}

// createDatabase creates the "servicebot" database unless it exists.
func (e *Embedded) createDatabase(ctx context.Context) error {
	db, err := sql.Open("postgres", e.urlFor("postgres"))
	if err != nil {
		return fmt.Errorf("store: embedded postgres: %w", err)
	}
	defer db.Close()
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", embeddedDB).Scan(&exists); err != nil {
		return fmt.Errorf("store: embedded postgres: %w\n%s", err, e.logTail())
	}
	if exists {
		return nil
	}
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+pq.QuoteIdentifier(embeddedDB)); err != nil {
		var pqErr *pq.Error
		// duplicate_database, or unique_violation when a concurrent CREATE
		// DATABASE (another process starting) won the race.
		if errors.As(err, &pqErr) && (pqErr.Code == "42P04" || pqErr.Code == "23505") {
			return nil
		}
		return fmt.Errorf("store: embedded postgres: create database: %w", err)
	}
	return nil
}

func ping(ctx context.Context, dsn string) error {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// logTail returns the end of the server log, for error messages.
func (e *Embedded) logTail() string {
	f, err := os.Open(e.logFile)
	if err != nil {
		return "(no server log at " + e.logFile + ")"
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > 16<<10 {
		f.Seek(-16<<10, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	return "server log " + e.logFile + " ends:\n" + tail(string(b), 20)
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
