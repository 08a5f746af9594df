package store

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
)

// MigrationsHash identifies the embedded schema: it changes whenever a
// migration file is added or edited. store/pgtest names its template
// database by it.
func MigrationsHash() string {
	h := sha256.New()
	fs.WalkDir(migrations, "migrations", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := migrations.ReadFile(path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write([]byte{0})
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16]
}
