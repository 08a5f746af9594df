package integrity

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// reporterKeys seal the link from an integrity report to its reporter, so
// that only the running bot can use it: the reporter's chat is encrypted
// (AES-256-GCM), and a keyed hash (HMAC-SHA256) of person and report lets
// the bot tell a person's own reports without decrypting them all. The
// first key seals; every key opens, so that a key can be rotated in.
type reporterKeys struct {
	seal []cipher.AEAD
	tag  [][]byte
}

// newReporterKeys derives the keys from INTEGRITY_KEY's secrets (first the
// current one, then older ones still opening links), or, when there are
// none, from the bot token.
func newReporterKeys(secrets [][]byte, token string) (*reporterKeys, error) {
	if len(secrets) == 0 {
		m := hmac.New(sha256.New, []byte("servicebot integrity key"))
		m.Write([]byte(token))
		secrets = [][]byte{m.Sum(nil)}
	}
	k := &reporterKeys{}
	for _, s := range secrets {
		if len(s) < 32 {
			return nil, errors.New("bot: an integrity key is shorter than 32 bytes")
		}
		block, err := aes.NewCipher(derive(s, "seal"))
		if err != nil {
			return nil, fmt.Errorf("bot: integrity key: %w", err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("bot: integrity key: %w", err)
		}
		k.seal = append(k.seal, aead)
		k.tag = append(k.tag, derive(s, "tag"))
	}
	return k, nil
}

func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("servicebot/integrity/" + purpose))
	return m.Sum(nil)
}

// sealBytes encrypts plain for one use, named by context (which must be
// given again to open it: a box copied to another report does not open).
func (k *reporterKeys) sealBytes(plain []byte, context string) []byte {
	aead := k.seal[0]
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, []byte(context))
}

var errSealed = errors.New("bot: a sealed value does not open with any integrity key")

func (k *reporterKeys) openBytes(box []byte, context string) ([]byte, error) {
	for _, aead := range k.seal {
		n := aead.NonceSize()
		if len(box) < n {
			break
		}
		if plain, err := aead.Open(nil, box[:n], box[n:], []byte(context)); err == nil {
			return plain, nil
		}
	}
	return nil, errSealed
}

func reportContext(reportID int64) string { return fmt.Sprintf("report:%d", reportID) }

// sealReporter returns the sealed link from report to the person.
func (k *reporterKeys) sealReporter(userID, reportID int64) (box, tag []byte) {
	return k.sealBytes(binary.BigEndian.AppendUint64(nil, uint64(userID)), reportContext(reportID)), k.tagOf(0, userID, reportID)
}

// openReporter returns the person a sealed link leads to.
func (k *reporterKeys) openReporter(box []byte, reportID int64) (int64, error) {
	plain, err := k.openBytes(box, reportContext(reportID))
	if err != nil {
		return 0, err
	}
	if len(plain) != 8 {
		return 0, errSealed
	}
	return int64(binary.BigEndian.Uint64(plain)), nil
}

func (k *reporterKeys) tagOf(key int, userID, reportID int64) []byte {
	m := hmac.New(sha256.New, k.tag[key])
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(userID))
	binary.BigEndian.PutUint64(b[8:], uint64(reportID))
	m.Write(b[:])
	return m.Sum(nil)
}

// owns reports whether tag says the report is the person's.
func (k *reporterKeys) owns(tag []byte, userID, reportID int64) bool {
	for i := range k.tag {
		if hmac.Equal(tag, k.tagOf(i, userID, reportID)) {
			return true
		}
	}
	return false
}

// dialogTag is the key a chat's report dialog is kept under: a keyed hash,
// so that the table of dialogs names no chat.
func (k *reporterKeys) dialogTag(chat int64) []byte {
	m := hmac.New(sha256.New, k.tag[0])
	m.Write([]byte("dialog"))
	m.Write(binary.BigEndian.AppendUint64(nil, uint64(chat)))
	return m.Sum(nil)
}
